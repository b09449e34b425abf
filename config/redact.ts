import { secretKeys } from "./keys.js";
import type { AppConfig } from "./schema.js";

export const REDACTED = "[redacted]";

/** A copy of the config safe to print or serve: every secret that is set becomes `[redacted]`. */
export function redactConfig(config: AppConfig): unknown {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const key of secretKeys) {
    const [section, leaf] = key.split(".") as [string, string];
    const node = copy[section];
    if (node && typeof node[leaf] === "string" && node[leaf] !== "") node[leaf] = REDACTED;
  }
  return copy;
}

/** Every secret value of the config that is set, for scrubbing log lines and error messages. */
export function secretValues(config: AppConfig): string[] {
  const tree = config as unknown as Record<string, Record<string, unknown>>;
  return secretKeys
    .map((key) => {
      const [section, leaf] = key.split(".") as [string, string];
      return tree[section]?.[leaf];
    })
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}
