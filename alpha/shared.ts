/**
 * Typed arrays over SharedArrayBuffer: posting one to a worker shares its memory instead of
 * copying it, so every formula worker reads the same panel.
 */
export function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

export function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

export function sharedU8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** Growable column for staging rows of unknown count; Float32 where the panel keeps Float32. */
export class Column {
  #data: Float32Array | Float64Array;
  length = 0;
  constructor(readonly precision: 32 | 64 = 64) {
    this.#data = precision === 32 ? new Float32Array(1024) : new Float64Array(1024);
  }
  push(x: number): void {
    if (this.length === this.#data.length) {
      const n = this.#data.length * 2;
      const next = this.precision === 32 ? new Float32Array(n) : new Float64Array(n);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = x;
  }
  get(i: number): number {
    return this.#data[i]!;
  }
}
