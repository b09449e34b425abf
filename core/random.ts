/**
 * Seeded randomness. Domain code never calls Math.random: it takes an Rng so that a seed
 * reproduces a run exactly.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** sfc32 seeded through splitmix32: fast, 128-bit state, good statistical quality. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return {
    next() {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) >>> 0;
      return t / 4294967296;
    },
  };
}

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Standard normal draw (Box-Muller). */
export function randNormal(rng: Rng): number {
  let u = rng.next();
  while (u <= Number.EPSILON) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Student-t draw with `dof` degrees of freedom: fat tails for meme returns. */
export function randStudentT(rng: Rng, dof: number): number {
  let chi2 = 0;
  for (let i = 0; i < dof; i++) {
    const z = randNormal(rng);
    chi2 += z * z;
  }
  return randNormal(rng) / Math.sqrt(chi2 / dof);
}
