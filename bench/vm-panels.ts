/**
 * The standard seeded panels of the formula benchmark (issue 3): 1-minute synthetic bars with
 * reported liquidity, a few gaps and staggered listings, so masks and fills are exercised.
 */
import { syntheticPanel } from "../alpha/synthetic.js";
import type { Panel } from "../alpha/panel.js";

export const STANDARD_PANELS = {
  "P-ci": { tokens: 64, bars: 2_000 },
  "P-mid": { tokens: 200, bars: 2_000 },
  "P-big": { tokens: 500, bars: 10_080 },
} as const;

export type StandardPanel = keyof typeof STANDARD_PANELS;

export function standardPanel(name: StandardPanel): Panel {
  const { tokens, bars } = STANDARD_PANELS[name];
  return syntheticPanel({ tokens, bars, seed: 20_250_101, intervalS: 60, gapRate: 0.01, staggered: true, reversion: -0.1 });
}
