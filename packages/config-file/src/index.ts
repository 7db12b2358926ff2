// YAML and JSON settings files parsed against a zod schema, with every
// problem reported at its file:line:col.
export { parseConfigFile } from './parse-config-file.ts';
export type { ConfigFile, ConfigFileOptions } from './parse-config-file.ts';
export { readConfigFile, readSettingsText, MAX_CONFIG_BYTES } from './read-config-file.ts';
export type { ReadConfigFileOptions } from './read-config-file.ts';
export { formatPath } from './yaml-positions.ts';
export type { ConfigPath, Position } from './yaml-positions.ts';
