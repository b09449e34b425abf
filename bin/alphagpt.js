#!/usr/bin/env -S node --max-semi-space-size=32 --semi-space-growth-factor=4
// The V8 flags size the young generation for streaming work (README, "Performance").
// Entry point: load the TypeScript sources through tsx, then hand over to the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../runtime/cli/main.ts");
process.exitCode = await main(process.argv);
