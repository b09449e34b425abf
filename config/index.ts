export { AppConfigSchema, type AppConfig } from "./schema.js";
export { defaultConfig } from "./defaults.js";
export { keyDocs, envNameFor, secretKeys, type KeyDoc } from "./keys.js";
export { loadConfig, leafKeys, ConfigError, type ConfigProblem, type LoadedConfig, type LoadConfigOptions } from "./load.js";
export { redactConfig, secretValues, REDACTED } from "./redact.js";
