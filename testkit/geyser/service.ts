/**
 * The Geyser gRPC service definition for `@grpc/grpc-js`, built from the codecs of
 * `@triton-one/yellowstone-grpc` (solana-wire.md §7.3 variant A: no .proto files).
 */
import type { ServiceDefinition } from "@grpc/grpc-js";
import {
  GetBlockHeightRequest,
  GetBlockHeightResponse,
  GetLatestBlockhashRequest,
  GetLatestBlockhashResponse,
  GetSlotRequest,
  GetSlotResponse,
  GetVersionRequest,
  GetVersionResponse,
  IsBlockhashValidRequest,
  IsBlockhashValidResponse,
  PingRequest,
  PongResponse,
  SubscribeReplayInfoRequest,
  SubscribeReplayInfoResponse,
  SubscribeUpdate,
} from "../../streams/geyser/wire.js";
import { decodeSubscribeRequest } from "./request-codec.js";

interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): T;
}

const unary = <Req, Res>(name: string, req: Codec<Req>, res: Codec<Res>) => ({
  path: `/geyser.Geyser/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: (m: Req) => Buffer.from(req.encode(m).finish()),
  requestDeserialize: (b: Buffer) => req.decode(b),
  responseSerialize: (m: Res) => Buffer.from(res.encode(m).finish()),
  responseDeserialize: (b: Buffer) => res.decode(b),
  originalName: name,
});

/**
 * `subscribe` writes either a SubscribeUpdate or its pre-encoded bytes (fixture replay, and one
 * encoding shared by every subscriber of a broadcast).
 */
export const geyserService = {
  subscribe: {
    path: "/geyser.Geyser/Subscribe",
    requestStream: true,
    responseStream: true,
    requestSerialize: (m: Uint8Array) => Buffer.from(m),
    requestDeserialize: (b: Buffer) => decodeSubscribeRequest(b),
    responseSerialize: (m: SubscribeUpdate | Uint8Array) => (m instanceof Uint8Array ? Buffer.from(m.buffer, m.byteOffset, m.byteLength) : Buffer.from(SubscribeUpdate.encode(m).finish())),
    responseDeserialize: (b: Buffer) => SubscribeUpdate.decode(b),
    originalName: "Subscribe",
  },
  ping: unary("Ping", PingRequest, PongResponse),
  getLatestBlockhash: unary("GetLatestBlockhash", GetLatestBlockhashRequest, GetLatestBlockhashResponse),
  getBlockHeight: unary("GetBlockHeight", GetBlockHeightRequest, GetBlockHeightResponse),
  getSlot: unary("GetSlot", GetSlotRequest, GetSlotResponse),
  getVersion: unary("GetVersion", GetVersionRequest, GetVersionResponse),
  isBlockhashValid: unary("IsBlockhashValid", IsBlockhashValidRequest, IsBlockhashValidResponse),
  subscribeReplayInfo: unary("SubscribeReplayInfo", SubscribeReplayInfoRequest, SubscribeReplayInfoResponse),
} as const;

export type GeyserServiceDefinition = typeof geyserService & ServiceDefinition;
