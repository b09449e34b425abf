/**
 * The versioned migrations, in order. Append only: an applied migration is never edited (its
 * checksum is recorded and checked); change a schema with a new version (`ADD COLUMN IF NOT
 * EXISTS`, `CREATE ... IF NOT EXISTS`), so every statement stays safe to run twice.
 */
import type { Migration } from "../migrations.js";
import { marketData } from "./001_market_data.js";
import { trading } from "./002_trading.js";
import { research } from "./003_research.js";
import { supervision } from "./004_supervision.js";

export const MIGRATIONS: readonly Migration[] = [marketData, trading, research, supervision];
