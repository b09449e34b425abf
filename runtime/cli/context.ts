/** What every command gets: the effective config, a logger, and where to print. */
import type { Command } from "commander";
import { loadConfig, type AppConfig } from "../../config/index.js";
import { createLogger, type Logger } from "../log.js";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliContext {
  readonly config: AppConfig;
  readonly sources: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly io: CliIo;
}

interface GlobalOptions {
  config?: string;
  dataDir?: string;
  logLevel?: string;
}

/** Config from defaults, file, env and the global flags; a ConfigError propagates to main(). */
export function contextFrom(command: Command, io: CliIo): CliContext {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const overrides: Record<string, unknown> = {};
  if (opts.dataDir !== undefined) overrides["dataDir"] = opts.dataDir;
  if (opts.logLevel !== undefined) overrides["log.level"] = opts.logLevel;
  const { config, sources } = loadConfig({ env: io.env, configPath: opts.config, overrides });
  return { config, sources, logger: createLogger(config), io };
}
