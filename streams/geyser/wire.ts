/**
 * Geyser wire types and codecs. The message definitions come from the npm package (ts-proto
 * codecs in `@triton-one/yellowstone-grpc`; solana-wire.md §7.0), never from copied .proto files.
 * Decoded shape: camelCase keys, bytes as Uint8Array, u64 as strings, enums as numbers.
 */
export {
  CommitmentLevel,
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
  SlotStatus,
  SubscribeReplayInfoRequest,
  SubscribeReplayInfoResponse,
  SubscribeRequest,
  SubscribeUpdate,
} from "@triton-one/yellowstone-grpc";
export type {
  SubscribeRequestFilterAccounts,
  SubscribeRequestFilterTransactions,
  SubscribeUpdateAccount,
  SubscribeUpdateSlot,
  SubscribeUpdateTransaction,
} from "@triton-one/yellowstone-grpc";

import YellowstoneModule from "@triton-one/yellowstone-grpc";

type ClientClass = typeof YellowstoneModule.default;
/**
 * The napi client class. The package's types are read as CommonJS (default = the module) while
 * Node loads its ESM build (default = the class), so take whichever is the class.
 */
export const YellowstoneClient: ClientClass = ((YellowstoneModule as unknown as { default?: ClientClass }).default ?? YellowstoneModule) as ClientClass;
export type YellowstoneClient = InstanceType<ClientClass>;
export type YellowstoneStream = Awaited<ReturnType<YellowstoneClient["subscribe"]>>;
