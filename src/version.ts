import pkg from '../package.json' with { type: 'json' };

export const TOOL_NAME = 'cowork-audit';
export const TOOL_VERSION: string = pkg.version;
