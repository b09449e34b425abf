import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configReferenceMarkdown } from "./commands/config.js";
import { buildProgram } from "./main.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("opens with the two commands", () => {
    const top = readme.split("\n").slice(0, 8).join("\n");
    expect(top).toContain("npm install && npm start");
    expect(top).toContain("npm test");
  });

  it("carries the config reference exactly as `alphagpt config docs` prints it", () => {
    expect(readme).toContain(configReferenceMarkdown());
  });

  it("documents every CLI command", () => {
    const io = { stdout: () => {}, stderr: () => {}, env: {} };
    const names = buildProgram(io).commands.flatMap((c) =>
      c.commands.length > 0 ? c.commands.map((s) => `alphagpt ${c.name()} ${s.name()}`) : [`alphagpt ${c.name()}`],
    );
    for (const name of names) expect(readme, name).toContain(name);
  });
});
