/**
 * Test fixture: where the real GeckoTerminal dataset lives (../shared/data beside the repository)
 * and the figures its README states, shared by the scan and the storage tests.
 */
import { fileURLToPath } from "node:url";

export const DATASET_DIR = fileURLToPath(new URL("../../../shared/data/solana-pools-geckoterminal-2025/", import.meta.url));

/** Figures from the dataset README ("Files" table and "Known quirks"); null where it gives none. */
export const README_FIGURES = {
  "1m": { rows: 10_565, pools: 5, from: "2025-08-20T21:40Z", to: "2025-10-05T12:51Z", gaps: 31_526, zeroVolume: 19, lowprec: 3_969 },
  "5m": { rows: 4_328, pools: 5, from: "2025-08-20T21:40Z", to: "2025-10-05T12:50Z", gaps: null, zeroVolume: 4, lowprec: 1_919 },
  "15m": { rows: 2_239, pools: 5, from: "2025-08-20T21:30Z", to: "2025-10-05T12:45Z", gaps: null, zeroVolume: 0, lowprec: 290 },
  "1h": { rows: 34_497, pools: 141, from: "2025-08-06T11:00Z", to: "2025-10-05T12:00Z", gaps: 3_393, zeroVolume: 7, lowprec: 2_587 },
  "4h": { rows: 205, pools: 5, from: "2025-08-20T20:00Z", to: "2025-10-05T12:00Z", gaps: null, zeroVolume: 0, lowprec: 122 },
  "12h": { rows: 73, pools: 5, from: "2025-08-20T12:00Z", to: "2025-10-05T12:00Z", gaps: null, zeroVolume: 0, lowprec: 44 },
  "1d": { rows: 39, pools: 5, from: "2025-08-20T00:00Z", to: "2025-10-05T00:00Z", gaps: null, zeroVolume: 0, lowprec: 25 },
} as const;
export type Timeframe = keyof typeof README_FIGURES;
export const TIMEFRAMES = Object.keys(README_FIGURES) as Timeframe[];

