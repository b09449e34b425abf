/**
 * Structured logging (pino) to stderr. Secrets never reach a log line: known secret paths are
 * redacted and any configured secret value is scrubbed from messages and string fields.
 */
import { pino, type Logger } from "pino";
import { secretValues, type AppConfig } from "../config/index.js";

export type { Logger };

const SECRET_PATHS = [
  "privateKey",
  "*.privateKey",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "controlToken",
  "*.controlToken",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
];

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

export function createLogger(config: AppConfig, destination: pino.DestinationStream = pino.destination(2)): Logger {
  const secrets = secretValues(config);
  return pino(
    {
      level: config.log.level,
      redact: { paths: SECRET_PATHS, censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a: unknown) =>
            typeof a === "string" ? scrub(a, secrets) : a instanceof Error ? scrubError(a, secrets) : a,
          );
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

function scrubError(e: Error, secrets: readonly string[]): Error {
  const copy = new Error(scrub(e.message, secrets));
  copy.name = e.name;
  if (e.stack) copy.stack = scrub(e.stack, secrets);
  return copy;
}

/** The `(msg, fields)` logging seam lower layers take, backed by pino. */
export interface FieldLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function fieldLogger(logger: Logger, component: string): FieldLogger {
  const child = logger.child({ component });
  return {
    info: (msg, fields) => child.info(fields ?? {}, msg),
    warn: (msg, fields) => child.warn(fields ?? {}, msg),
    error: (msg, fields) => child.error(fields ?? {}, msg),
  };
}
