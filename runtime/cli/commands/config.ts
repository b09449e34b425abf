/** `alphagpt config show|docs`: the effective config (secrets redacted) and the key reference. */
import type { Command } from "commander";
import { defaultConfig, keyDocs, redactConfig } from "../../../config/index.js";
import { contextFrom, type CliIo } from "../context.js";

export function registerConfig(program: Command, io: CliIo): void {
  const config = program.command("config").description("inspect the configuration");

  config
    .command("show")
    .description("print the effective config (defaults < file < env < flags) as JSON, secrets redacted")
    .option("--sources", "also print where each key's value came from")
    .action((opts: { sources?: boolean }, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const body = opts.sources ? { config: redactConfig(ctx.config), sources: ctx.sources } : redactConfig(ctx.config);
      io.stdout(JSON.stringify(body, null, 2) + "\n");
    });

  config
    .command("docs")
    .description("print the config reference (every key, default, env variables) as a Markdown table")
    .action(() => io.stdout(configReferenceMarkdown()));
}

export function configReferenceMarkdown(): string {
  const lookup = (key: string): unknown =>
    key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], defaultConfig);
  const rows = Object.entries(keyDocs).map(([key, d]) => {
    const value = lookup(key);
    const shown = d.secret ? "(secret)" : JSON.stringify(value);
    return `| \`${key}\` | \`${shown}\` | ${d.env.map((e) => `\`${e}\``).join(", ")} | ${d.doc} |`;
  });
  return ["| key | default | env | meaning |", "|---|---|---|---|", ...rows].join("\n") + "\n";
}
