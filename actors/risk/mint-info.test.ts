import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { encodeMint } from "../../chain/layouts/spl-mint.js";
import { RpcUnavailableError } from "../../chain/rpc/errors.js";
import type { AccountData } from "../../chain/rpc/client.js";
import { VirtualClock } from "../../core/clock.js";
import { makeLiveMintInfo } from "./mint-info.live.js";
import { makeReplayMintInfo } from "./mint-info.replay.js";
import { SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM } from "./token-safety.js";

const M = "9n3d1K5YD2vECAbRFhFFGYNNjiXtHXJWn9F31t89vsAV";
const F = "aTtUk2DHgLhKZRDjePq6eiHRKC1XXFMBiSUfQ2JNDbN";
const tick = () => new Promise((r) => setImmediate(r));

describe("replay mint source (the feed only)", () => {
  it("knows a mint from its last feed write, ignores token accounts, and leaves the rest unknown", () => {
    const s = makeReplayMintInfo();
    expect(s.lookup(M)._tag).toBe("Unknown");
    s.observe({ pubkey: M, owner: SPL_TOKEN_PROGRAM, data: encodeMint({ supply: 1n, decimals: 6, freezeAuthority: F }) });
    s.observe({ pubkey: F, owner: SPL_TOKEN_PROGRAM, data: new Uint8Array(165) });
    expect(s.lookup(M)).toEqual({ _tag: "Known", info: { mint: M, program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: F, extensions: [] } });
    s.observe({ pubkey: M, owner: SPL_TOKEN_PROGRAM, data: encodeMint({ supply: 1n, decimals: 6 }) });
    expect(s.lookup(M)._tag === "Known" && s.lookup(M)).toMatchObject({ info: { freezeAuthority: null } });
    expect(s.lookup(F)._tag).toBe("Unknown");
    s.observe({ pubkey: F, owner: TOKEN_2022_PROGRAM, data: new Uint8Array(82).fill(9) });
    expect(s.lookup(F)._tag).toBe("Unreadable");
  });
});

describe("live mint source (feed, else one RPC read)", () => {
  const stub = (answers: (AccountData | null | "fail")[]) => {
    const reads: string[] = [];
    const rpc = {
      getAccountInfo: (a: string) =>
        Effect.suspend(() => {
          reads.push(a);
          const x = answers.shift();
          return x === "fail" || x === undefined
            ? Effect.fail(new RpcUnavailableError({ method: "getAccountInfo", message: "down", reason: "http", retryable: true }))
            : Effect.succeed(x);
        }),
    };
    return { rpc, reads };
  };

  it("reads a mint once, is unknown while reading, and keeps the answer", async () => {
    const data = encodeMint({ supply: 1n, decimals: 6, extensions: [{ extension: "transferFeeConfig", feeBps: 30 }] });
    const { rpc, reads } = stub([{ owner: TOKEN_2022_PROGRAM, data, slot: 77 }]);
    const recorded: unknown[] = [];
    const s = makeLiveMintInfo({ rpc, clock: new VirtualClock(5_000), retryAfterMs: 1_000, onRead: (u) => recorded.push(u) });
    s.want(M);
    expect(s.lookup(M)._tag).toBe("Unknown");
    await tick();
    expect(s.lookup(M)).toMatchObject({ _tag: "Known", info: { program: TOKEN_2022_PROGRAM, extensions: [{ extension: "transferFeeConfig", feeBps: 30 }] } });
    s.want(M);
    s.lookup(M);
    expect(reads).toEqual([M]);
    // Handed on as the account write a feed would carry, to be recorded with it for replay.
    expect(recorded).toEqual([{ pubkey: M, owner: TOKEN_2022_PROGRAM, data, slot: 77, writeVersion: 0, tsEvent: 5_000, tsInit: 5_000 }]);
  });

  it("a failed read or a missing account is unknown, reported, and read again only after the wait", async () => {
    const clock = new VirtualClock(0);
    const failed: string[] = [];
    const { rpc, reads } = stub(["fail", null, { owner: SPL_TOKEN_PROGRAM, data: encodeMint({ supply: 1n, decimals: 6 }), slot: 1 }]);
    const s = makeLiveMintInfo({ rpc, clock, retryAfterMs: 1_000, onReadFailed: (m, e) => failed.push(`${m}:${e._tag}`) });
    s.want(M);
    await tick();
    expect(s.lookup(M)).toMatchObject({ _tag: "Unknown", detail: expect.stringMatching(/failed/) });
    expect(failed).toEqual([`${M}:RpcUnavailableError`]);
    clock.advance(1_000);
    s.want(M);
    await tick();
    expect(s.lookup(M)).toMatchObject({ _tag: "Unknown", detail: expect.stringMatching(/no account/) });
    clock.advance(1_000);
    await tick();
    s.want(M);
    await tick();
    expect(s.lookup(M)._tag).toBe("Known");
    expect(reads).toHaveLength(3);
  });

  it("reads at most maxReads mints at once; the others on a later want", async () => {
    const data = { owner: SPL_TOKEN_PROGRAM, data: encodeMint({ supply: 1n, decimals: 6 }), slot: 1 };
    const { rpc, reads } = stub([data, data]);
    const s = makeLiveMintInfo({ rpc, clock: new VirtualClock(0), retryAfterMs: 1_000, maxReads: 1 });
    s.want(M);
    s.want(F);
    expect(reads).toEqual([M]);
    await tick();
    s.want(F);
    await tick();
    expect(reads).toEqual([M, F]);
    expect([s.lookup(M)._tag, s.lookup(F)._tag]).toEqual(["Known", "Known"]);
  });

  it("a feed write wins over the read, and a mint the feed carries is never read", async () => {
    const { rpc, reads } = stub([]);
    const s = makeLiveMintInfo({ rpc, clock: new VirtualClock(0), retryAfterMs: 1_000 });
    s.observe({ pubkey: M, owner: SPL_TOKEN_PROGRAM, data: encodeMint({ supply: 1n, decimals: 6, mintAuthority: F }) });
    expect(s.lookup(M)).toMatchObject({ _tag: "Known", info: { mintAuthority: F } });
    expect(reads).toEqual([]);
  });
});
