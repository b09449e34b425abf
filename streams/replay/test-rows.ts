/** Recorded rows for tests: an account write and a transaction as live ingest stores them. */
import type { RecordedRow } from "./rows.js";

export const T0 = 1_735_689_600_000;
export const OWNER = "11111111111111111111111111111111";

export function account(slot: number, wv: number, pubkey = `acct${wv}`): RecordedRow {
  const ts = T0 + (slot - 100) * 400;
  return {
    slot, signature: pubkey, write_version: wv, kind: "geyser.account", mint: "",
    payload: JSON.stringify({ pubkey, owner: OWNER, data: Buffer.from([slot & 255, wv & 255]).toString("base64"), writeVersion: wv, tsEvent: ts, tsInit: ts + 5 }),
    ts_ms: ts,
  };
}

export function transaction(slot: number, index: number): RecordedRow {
  const ts = T0 + (slot - 100) * 400;
  return {
    slot, signature: `sig${slot}-${index}`, write_version: index, kind: "geyser.transaction", mint: "",
    payload: JSON.stringify({
      signature: `sig${slot}-${index}`, index, failed: false, accountKeys: [OWNER], logMessages: ["Program log: hi"],
      preTokenBalances: [{ accountIndex: 0, mint: OWNER, owner: OWNER, amount: "12345678901234567890", decimals: 6 }], postTokenBalances: [], tsEvent: ts, tsInit: ts + 5,
    }),
    ts_ms: ts,
  };
}
