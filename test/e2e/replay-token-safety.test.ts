/**
 * Replay judges token safety from the recorded feed alone (actors/risk/mint-info.replay.ts): a
 * recording whose mint account writes are missing opens nothing (mint_unknown), one whose mints
 * carry a freeze authority opens nothing (freeze_authority), and the full recording trades as
 * the paper session did. Each replay is deterministic.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMint, isMintData } from "../../chain/layouts/spl-mint.js";
import { TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import { jsonlReader } from "../../streams/replay/file-readers.js";
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import { runReplay, type ReplayResult } from "../../runtime/replay/driver.js";
import { writeRows } from "../../runtime/replay/jsonl.js";
import { runPaperSession } from "../../runtime/replay/paper.js";
import { testConfig, testSim, testStrategy, testUsd } from "../../runtime/replay/testing.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-replay-safety-"));
const config = testConfig();
const FREEZER = "9n3d1K5YD2vECAbRFhFFGYNNjiXtHXJWn9F31t89vsAV";
let paper: ReplayResult;
let rows: FeedEventRow[] = [];

interface AccountPayload { pubkey: string; owner: string; data: string }
const payloadOf = (r: FeedEventRow): AccountPayload | null => (r.kind.endsWith(".account") ? (JSON.parse(r.payload) as AccountPayload) : null);
const isMintRow = (r: FeedEventRow): boolean => {
  const p = payloadOf(r);
  return p !== null && p.owner === TOKEN_PROGRAM_ID && isMintData(new Uint8Array(Buffer.from(p.data, "base64")));
};

async function replayOf(name: string, edit: (rows: FeedEventRow[]) => FeedEventRow[]): Promise<ReplayResult> {
  const file = join(dir, `${name}.jsonl`);
  await writeRows(file, edit(rows));
  return runReplay({ config, strategy: testStrategy, usd: testUsd, reader: jsonlReader(file, { pageSize: 5_000 }) });
}

beforeAll(async () => {
  const recorded: FeedEventRow[] = [];
  paper = await runPaperSession({ config, strategy: testStrategy, usd: testUsd, sim: testSim(), record: (r) => recorded.push(r) });
  rows = recorded;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("token safety in replay", () => {
  it("the recording carries the mints and trades as the session did", async () => {
    expect(rows.filter(isMintRow).length).toBe(testSim().tokens);
    const full = await replayOf("full", (r) => r);
    expect(paper.positions.length).toBeGreaterThan(0);
    expect(full.hash).toBe(paper.hash);
  });

  it("without the mint writes nothing is entered, refused as mint_unknown, the same way twice", async () => {
    const a = await replayOf("no-mints", (r) => r.filter((x) => !isMintRow(x)));
    const b = await replayOf("no-mints-2", (r) => r.filter((x) => !isMintRow(x)));
    expect(a.positions).toHaveLength(0);
    expect(a.counters.entriesRefused["mint_unknown"] ?? 0).toBeGreaterThan(0);
    expect(b.hash).toBe(a.hash);
  });

  it("mints with a freeze authority are refused", async () => {
    const frozen = await replayOf("freeze", (r) =>
      r.map((x) => {
        if (!isMintRow(x)) return x;
        const p = payloadOf(x) as AccountPayload;
        const data = encodeMint({ supply: 1_000_000_000_000_000n, decimals: 6, freezeAuthority: FREEZER });
        return { ...x, payload: JSON.stringify({ ...JSON.parse(x.payload), pubkey: p.pubkey, data: Buffer.from(data).toString("base64") }) };
      }),
    );
    expect(frozen.positions).toHaveLength(0);
    expect(frozen.counters.entriesRefused["freeze_authority"] ?? 0).toBeGreaterThan(0);
  });
});
