/** Unary Geyser methods, answered from the replay buffer's view of the chain. */
import type * as grpc from "@grpc/grpc-js";
import { createHash } from "node:crypto";
import { base58 } from "../../chain/layouts/bytes.js";
import type { ReplayBuffer } from "./replay-buffer.js";

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => void;

/** A deterministic blockhash per slot: 32 bytes of sha256("loopback:<slot>"). */
export function blockhashForSlot(slot: number): string {
  return base58(createHash("sha256").update(`loopback:${slot}`).digest());
}

export function unaryHandlers(buffer: ReplayBuffer): Record<string, Handler<never, unknown>> {
  const slot = (): number => Math.max(0, buffer.maxSlot);
  const handlers: Record<string, Handler<never, unknown>> = {
    ping: ((call: grpc.ServerUnaryCall<{ count: number }, unknown>, cb) => cb(null, { count: call.request.count })) as Handler<never, unknown>,
    getSlot: (_c, cb) => cb(null, { slot: String(slot()) }),
    getBlockHeight: (_c, cb) => cb(null, { blockHeight: String(slot()) }),
    getLatestBlockhash: (_c, cb) => cb(null, { slot: String(slot()), blockhash: blockhashForSlot(slot()), lastValidBlockHeight: String(slot() + 150) }),
    getVersion: (_c, cb) => cb(null, { version: JSON.stringify({ version: { package: "alphagpt-loopback-geyser", version: "1.0.0" } }) }),
    isBlockhashValid: (_c, cb) => cb(null, { slot: String(slot()), valid: true }),
    subscribeReplayInfo: (_c, cb) => cb(null, { firstAvailable: String(buffer.firstAvailable) }),
  };
  return handlers;
}
