/**
 * Config loading: defaults, then a JSON config file (`--config PATH` or ALPHAGPT_CONFIG), then
 * documented environment variables; the merged object is decoded once with the schema, and every
 * bad key is reported in one error.
 */
import { readFileSync } from "node:fs";
import { Data, Result, Schema, SchemaIssue } from "effect";
import { defaultConfig } from "./defaults.js";
import { keyDocs } from "./keys.js";
import { type AppConfig, AppConfigSchema } from "./schema.js";

export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly expected: string;
  /** Where the value came from: `default`, `file <path>`, `env <NAME>` or the overrides' source. */
  readonly source: string;
}

export class ConfigError extends Data.TaggedError("ConfigError")<{ readonly problems: readonly ConfigProblem[] }> {
  override get message(): string {
    const lines = this.problems.map(
      (p) => `  - ${p.key} = ${JSON.stringify(p.value) ?? "undefined"} (from ${p.source}): ${p.expected}`,
    );
    return `invalid configuration (${this.problems.length} problem${this.problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
  }
}

export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Explicit `--config PATH`; otherwise ALPHAGPT_CONFIG; otherwise no file. */
  readonly configPath?: string | undefined;
  /** Overrides applied last (CLI flags), by dotted key. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Where the overrides came from, as a problem names it. Default `command line`. */
  readonly overridesSource?: string;
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Dotted key → where its effective value came from. */
  readonly sources: Readonly<Record<string, string>>;
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

function getPath(tree: Tree, key: string): unknown {
  let node: unknown = tree;
  for (const part of key.split(".")) node = isTree(node) ? node[part] : undefined;
  return node;
}

function setPath(tree: Tree, key: string, value: unknown): void {
  const parts = key.split(".");
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

/** Leaf keys of a nested object, dotted. */
export function leafKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    isTree(v) ? leafKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** Merge a file's tree over the current one, recording sources; unknown keys are kept so the decoder names them. */
function overlay(target: Tree, source: Tree, label: string, sources: Record<string, string>, prefix = ""): void {
  for (const [k, v] of Object.entries(source)) {
    const key = `${prefix}${k}`;
    if (isTree(v) && isTree(target[k])) overlay(target[k] as Tree, v, label, sources, `${key}.`);
    else {
      target[k] = v;
      sources[key] = label;
    }
  }
}

/** Env values are strings; convert to the default's type so "0.9" becomes 0.9, and leave bad ones for the decoder to name. */
function coerce(raw: string, like: unknown): unknown {
  if (typeof like === "number") {
    const n = Number(raw.trim());
    return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }
  if (typeof like === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

function readConfigFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError({
      problems: [{ key: "(config file)", value: path, expected: `a readable file (${(e as Error).message})`, source: "--config/ALPHAGPT_CONFIG" }],
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError({
      problems: [{ key: "(config file)", value: path, expected: `valid JSON (${(e as Error).message})`, source: `file ${path}` }],
    });
  }
  if (!isTree(parsed)) {
    throw new ConfigError({ problems: [{ key: "(config file)", value: parsed, expected: "a JSON object", source: `file ${path}` }] });
  }
  return parsed;
}

const decode = Schema.decodeUnknownResult(AppConfigSchema, { errors: "all", onExcessProperty: "error" });
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1();

/** Load and validate the effective config; throws ConfigError listing every bad key. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? {};
  const merged = structuredClone(defaultConfig) as unknown as Tree;
  const sources: Record<string, string> = Object.fromEntries(leafKeys(merged).map((k) => [k, "default"]));

  const path = options.configPath ?? env["ALPHAGPT_CONFIG"];
  if (path) overlay(merged, readConfigFile(path), `file ${path}`, sources);

  const unknownEnv = unknownEnvProblems(env);
  if (unknownEnv.length > 0) throw new ConfigError({ problems: unknownEnv });
  for (const [key, doc] of Object.entries(keyDocs)) {
    const name = doc.env.find((n) => env[n] !== undefined && env[n] !== "");
    if (name === undefined) continue;
    setPath(merged, key, coerce(env[name]!, getPath(defaultConfig as unknown as Tree, key)));
    sources[key] = `env ${name}`;
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    setPath(merged, key, value);
    sources[key] = options.overridesSource ?? "command line";
  }

  const result = decode(merged);
  if (Result.isSuccess(result)) {
    const problems = crossKeyProblems(result.success, sources);
    if (problems.length > 0) throw new ConfigError({ problems });
    return { config: result.success, sources };
  }
  const problems = formatIssues(result.failure.issue).issues.map((issue): ConfigProblem => {
    const key = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
    return {
      key,
      value: getPath(merged, key),
      expected: issue.message.replace(/^Expected no excess property$/, "not a known key (see `alphagpt config docs`)"),
      source: sources[key] ?? (path ? `file ${path}` : "unknown"),
    };
  });
  throw new ConfigError({ problems });
}

const ENV_NAMES: ReadonlySet<string> = new Set(["ALPHAGPT_CONFIG", ...Object.values(keyDocs).flatMap((d) => d.env)]);

/**
 * Our prefix is ours: a misspelt ALPHAGPT_* variable is refused like an unknown key in the file,
 * with the closest known name, instead of being silently ignored.
 */
function unknownEnvProblems(env: Readonly<Record<string, string | undefined>>): ConfigProblem[] {
  return Object.keys(env)
    .filter((n) => n.startsWith("ALPHAGPT_") && !ENV_NAMES.has(n))
    .sort()
    .map((n) => ({ key: "(environment)", value: n, expected: `a known variable (see \`alphagpt config docs\`)${closest(n)}`, source: `env ${n}` }));
}

function closest(name: string): string {
  let best = "";
  let bestD = Infinity;
  for (const known of ENV_NAMES) {
    const d = editDistance(name, known);
    if (d < bestD) [best, bestD] = [known, d];
  }
  // Only a near miss is a suggestion.
  return bestD <= Math.max(2, Math.floor(name.length / 5)) ? `; did you mean ${best}?` : "";
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** Rules between keys, which the schema checks one key at a time cannot state. */
function crossKeyProblems(c: AppConfig, sources: Readonly<Record<string, string>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // A position starts at minus its cost: an impact as large as the stop would stop out every entry at once.
  if (c.risk.maxPriceImpactPct >= -c.strategy.stopLossPct) {
    problems.push({
      key: "risk.maxPriceImpactPct",
      value: c.risk.maxPriceImpactPct,
      expected: `below -strategy.stopLossPct (${-c.strategy.stopLossPct}): an entry would start at or past its stop loss`,
      source: sources["risk.maxPriceImpactPct"] ?? "default",
    });
  }
  return problems;
}
