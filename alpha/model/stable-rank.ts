/**
 * Stable rank ||W||_F² / σ_max² of the Q and K projections, σ_max by power iteration on WᵀW.
 * Upstream's monitor matched no parameter and always reported 0 (§9.2); this one reads the
 * matrices LoRD acts on. Matrices are small (d x d), so the iteration runs in plain JS.
 */
import type { ModelConfig } from "./config.js";
import { qkParamNames } from "./lord.js";
import type { PolicyParams } from "./params.js";

/** σ_max of a row-major [rows, cols] matrix. Deterministic start, so equal inputs agree exactly. */
export function topSingularValue(w: Float32Array, rows: number, cols: number, maxIter = 200, tol = 1e-10): number {
  let v = new Float64Array(cols);
  for (let j = 0; j < cols; j++) v[j] = 1 + ((j * 2654435761) % 1000) / 1000; // not orthogonal to σ_max's vector in practice
  let sigma2 = 0;
  const u = new Float64Array(rows);
  for (let it = 0; it < maxIter; it++) {
    let vn = 0;
    for (let j = 0; j < cols; j++) vn += v[j]! * v[j]!;
    vn = Math.sqrt(vn);
    if (vn === 0) return 0;
    for (let j = 0; j < cols; j++) v[j]! /= vn;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += w[i * cols + j]! * v[j]!;
      u[i] = s;
    }
    const next = new Float64Array(cols);
    let un = 0;
    for (let i = 0; i < rows; i++) {
      un += u[i]! * u[i]!;
      for (let j = 0; j < cols; j++) next[j]! += w[i * cols + j]! * u[i]!;
    }
    const prev = sigma2;
    sigma2 = un; // ||W v||² with ||v|| = 1 -> σ_max² in the limit
    v = next;
    if (it > 2 && Math.abs(sigma2 - prev) <= tol * sigma2) break;
  }
  return Math.sqrt(sigma2);
}

export function stableRankOf(w: Float32Array, rows: number, cols: number): number {
  let fro = 0;
  for (let i = 0; i < w.length; i++) fro += w[i]! * w[i]!;
  const s = topSingularValue(w, rows, cols);
  return s > 0 ? fro / (s * s) : 0;
}

export interface StableRankReport {
  /** Mean over the Q and K matrices. */
  readonly mean: number;
  readonly q: number;
  readonly k: number;
  readonly perMatrix: Readonly<Record<string, number>>;
}

export function stableRanks(p: PolicyParams, cfg: ModelConfig): StableRankReport {
  const perMatrix: Record<string, number> = {};
  let q = 0;
  let k = 0;
  for (const name of qkParamNames(cfg)) {
    const w = p.get(name);
    const [rows, cols] = w.shape as [number, number];
    const sr = stableRankOf(w.dataSync() as Float32Array, rows, cols);
    perMatrix[name] = sr;
    if (name.endsWith(".wq")) q += sr;
    else k += sr;
  }
  return { mean: (q + k) / (2 * cfg.layers), q: q / cfg.layers, k: k / cfg.layers, perMatrix };
}
