/** Number formatting for CLI tables: missing or non-finite values print as "n/a". */
export const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(2)}%`);
export const num = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(digits));
