/**
 * Picks the tfjs backend. wasm (SIMD, one thread under Node) is the CPU default; the native
 * bindings `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` are optional dependencies that
 * cannot install everywhere, so they are imported dynamically and used only when present.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export type BackendChoice = "auto" | "wasm" | "cpu" | "tensorflow" | "webgpu";

export interface BackendInfo {
  /** The tfjs backend name now active. */
  readonly name: string;
  /** How it was chosen, for the log line. */
  readonly detail: string;
}

const NATIVE_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

async function tryNative(): Promise<string | undefined> {
  for (const spec of NATIVE_PACKAGES) {
    try {
      const name: string = spec; // a plain string: neither package is a declared dependency
      await import(name);
      if (await tf.setBackend("tensorflow")) return spec;
    } catch {
      // not installed (or libtensorflow missing): try the next one
    }
  }
  return undefined;
}

async function useWasm(): Promise<void> {
  // Under Node the wasm binaries are read from the package's dist folder on disk.
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  setWasmPaths(dist + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to initialise");
}

let active: Promise<BackendInfo> | undefined;
let activeChoice: BackendChoice | undefined;

/** Initialise the backend once per thread; later calls with the same choice reuse it. */
export function initBackend(choice: BackendChoice = "auto"): Promise<BackendInfo> {
  if (active !== undefined && activeChoice === choice) return active;
  activeChoice = choice;
  active = (async (): Promise<BackendInfo> => {
    if (choice === "auto") {
      const native = await tryNative();
      if (native !== undefined) return { name: tf.getBackend(), detail: `auto: ${native} found` };
      await useWasm();
      return { name: "wasm", detail: "auto: no tfjs-node package installed, using wasm" };
    }
    if (choice === "tensorflow") {
      const native = await tryNative();
      if (native === undefined) throw new Error("backend 'tensorflow' asked for, but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed");
      return { name: tf.getBackend(), detail: `${native} as asked` };
    }
    if (choice === "wasm") {
      await useWasm();
      return { name: "wasm", detail: "wasm as asked" };
    }
    if (!(await tf.setBackend(choice))) throw new Error(`tfjs backend '${choice}' is not available here`);
    return { name: tf.getBackend(), detail: `${choice} as asked` };
  })();
  active.catch(() => {
    active = undefined; // a failed choice may be retried with another
  });
  return active;
}
