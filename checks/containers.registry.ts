import type { AnyCheck } from '../src/engine/check.js';
import containerHardening from './sandbox/container-hardening.js';
import dockerDaemon from './sandbox/docker-daemon.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const CONTAINERS_CHECKS: readonly AnyCheck[] = [containerHardening, dockerDaemon] as unknown as readonly AnyCheck[];
