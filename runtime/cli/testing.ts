/** Runs the CLI in process for tests: the exit code and everything it wrote. */
import { main } from "./main.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `alphagpt <args>` with `env` as its environment; `onStderr` sees each chunk as it is written, and all so far. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>>, onStderr?: (chunk: string, all: string) => void): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => {
      stderr += t;
      onStderr?.(t, stderr);
    },
    env,
  };
  const code = await main(["node", "alphagpt", ...args], io);
  return { code, stdout, stderr };
}
