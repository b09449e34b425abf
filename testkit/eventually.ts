/** Poll until `check` stops throwing (or returns true), instead of sleeping a guessed time. */
export async function eventually<T>(check: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 20_000;
  const interval = opts.intervalMs ?? 10;
  const start = Date.now();
  for (;;) {
    try {
      const v = await check();
      if (v !== false) return v;
      throw new Error("check returned false");
    } catch (err) {
      if (Date.now() - start > timeout) throw err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
