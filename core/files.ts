/**
 * File helpers. Crash-safe writes: write a temporary file beside the target, fsync it, rename it over the
 * target, fsync the directory. A reader sees the old file or the new one, never half of one
 * (upstream wrote its only output at the very end, non-atomically, §17 M4 / H10).
 */
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let counter = 0;

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  counter += 1;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter}.tmp`);
  try {
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

/** fsync the directory so the rename itself survives a power cut (not supported everywhere). */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // some platforms refuse fsync on a directory; the rename is still atomic
  }
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  return orMissing(readFile(path));
}

/** The file's text (UTF-8), or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  return orMissing(readFile(path, "utf8"));
}

async function orMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** A file-system error's reason as a user reads it: Node's "EISDIR: illegal operation on a directory, rename 'a' -> 'b'" → "illegal operation on a directory". */
export function fileErrorReason(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*$/, "") : String(e);
}

/** A file (or its folder) that could not be written: the path and the system's reason, for the user. */
export class FileWriteError extends Error {
  readonly _tag = "FileWriteError";
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${fileErrorReason(cause)}`, { cause });
    this.name = "FileWriteError";
  }
}

/** `op`, a failure of which becomes a FileWriteError naming `path`. */
export const writing = <T>(path: string, op: Promise<T>): Promise<T> => op.catch((e: unknown) => Promise.reject(new FileWriteError(path, e)));
