/**
 * Writes journal records as fast as it can and prints each intent id once its commit returned
 * (the executor's "durable, now send"); the test SIGKILLs it mid-stream. env: CRASH_JOURNAL.
 */
import { Journal } from "../../runtime/journal/journal.js";

const journal = Journal.open(process.env["CRASH_JOURNAL"] ?? "");
for (let n = 1; ; n++) {
  const intentId = `p${n}:1`;
  journal.orders.recordIntent({ intentId, positionId: `p${n}`, mint: "MINT", side: "buy", kind: "buy", amount: 1, amountRaw: "1000000000", slippageBps: 500, reason: "entry", ts: n });
  await journal.recordSigned({ intentId, signature: `S${n}`, signedBytes: new Uint8Array(256).fill(n % 256), lastValidBlockHeight: n });
  process.stdout.write(`${n}\n`);
  if (n % 50 === 0) await new Promise((r) => setImmediate(r)); // let stdout drain
}
