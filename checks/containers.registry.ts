import type { AnyCheck } from '../src/engine/check.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const CONTAINERS_CHECKS: readonly AnyCheck[] = [] as unknown as readonly AnyCheck[];
