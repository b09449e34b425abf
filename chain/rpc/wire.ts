/**
 * Schemas of the JSON-RPC payloads the executor reads, with the node's field names
 * (solana-wire.md §4 and the rpc/ fixtures). Unknown extra fields are ignored; missing or
 * mistyped required ones fail the decode.
 */
import { Schema } from "effect";

const Int = Schema.Int;
const NonNegInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));
/** u64 amounts the node sends as decimal strings. */
export const U64String = Schema.String.check(Schema.isPattern(/^\d{1,20}$/));
export const Base58 = Schema.String.check(Schema.isPattern(/^[1-9A-HJ-NP-Za-km-z]{32,88}$/));

export const JsonRpcErrorObject = Schema.Struct({
  code: Int,
  message: Schema.String,
  data: Schema.optionalKey(Schema.Unknown),
});

export const JsonRpcEnvelope = Schema.Struct({
  jsonrpc: Schema.optionalKey(Schema.String),
  id: Schema.optionalKey(Schema.Unknown),
  result: Schema.optionalKey(Schema.Unknown),
  error: Schema.optionalKey(JsonRpcErrorObject),
});

const Context = Schema.Struct({ slot: NonNegInt });

export const LatestBlockhashResult = Schema.Struct({
  context: Context,
  value: Schema.Struct({ blockhash: Base58, lastValidBlockHeight: NonNegInt }),
});

export const BlockHeightResult = NonNegInt;

export const IsBlockhashValidResult = Schema.Struct({ context: Context, value: Schema.Boolean });

export const SendTransactionResult = Base58;

export const ConfirmationStatus = Schema.Literals(["processed", "confirmed", "finalized"]);

export const SignatureStatus = Schema.Struct({
  slot: NonNegInt,
  confirmations: Schema.NullOr(NonNegInt),
  err: Schema.NullOr(Schema.Unknown),
  confirmationStatus: Schema.optionalKey(Schema.NullOr(ConfirmationStatus)),
});

export const SignatureStatusesResult = Schema.Struct({
  context: Context,
  value: Schema.Array(Schema.NullOr(SignatureStatus)),
});

export const UiTokenAmount = Schema.Struct({ amount: U64String, decimals: NonNegInt });

export const TokenBalance = Schema.Struct({
  accountIndex: NonNegInt,
  mint: Base58,
  owner: Schema.optionalKey(Base58),
  programId: Schema.optionalKey(Base58),
  uiTokenAmount: UiTokenAmount,
});

export const TransactionMeta = Schema.Struct({
  err: Schema.NullOr(Schema.Unknown),
  fee: NonNegInt,
  preBalances: Schema.Array(NonNegInt),
  postBalances: Schema.Array(NonNegInt),
  preTokenBalances: Schema.optionalKey(Schema.NullOr(Schema.Array(TokenBalance))),
  postTokenBalances: Schema.optionalKey(Schema.NullOr(Schema.Array(TokenBalance))),
  logMessages: Schema.optionalKey(Schema.NullOr(Schema.Array(Schema.String))),
  loadedAddresses: Schema.optionalKey(Schema.NullOr(Schema.Struct({ writable: Schema.Array(Base58), readonly: Schema.Array(Base58) }))),
});

export const TransactionResult = Schema.NullOr(
  Schema.Struct({
    slot: NonNegInt,
    blockTime: Schema.optionalKey(Schema.NullOr(Int)),
    meta: Schema.NullOr(TransactionMeta),
    transaction: Schema.Struct({
      signatures: Schema.Array(Schema.String),
      message: Schema.Struct({ accountKeys: Schema.Array(Base58), recentBlockhash: Schema.String }),
    }),
    version: Schema.optionalKey(Schema.Union([Schema.Literal("legacy"), Int])),
  }),
);

/** getAccountInfo with `encoding: "base64"`: data is `[base64, "base64"]`; null when the account does not exist. */
export const AccountInfoResult = Schema.Struct({
  context: Context,
  value: Schema.NullOr(
    Schema.Struct({
      owner: Base58,
      lamports: NonNegInt,
      data: Schema.Tuple([Schema.String, Schema.Literal("base64")]),
    }),
  ),
});

export const BalanceResult = Schema.Struct({ context: Context, value: NonNegInt });

export const ParsedTokenAccount = Schema.Struct({
  pubkey: Base58,
  account: Schema.Struct({
    owner: Base58,
    data: Schema.Struct({
      program: Schema.String,
      parsed: Schema.Struct({
        type: Schema.String,
        info: Schema.Struct({ mint: Base58, owner: Base58, tokenAmount: UiTokenAmount }),
      }),
    }),
  }),
});

export const TokenAccountsByOwnerResult = Schema.Struct({ context: Context, value: Schema.Array(ParsedTokenAccount) });

export type SignatureStatusWire = typeof SignatureStatus.Type;
export type TransactionWire = NonNullable<typeof TransactionResult.Type>;
export type TokenBalanceWire = typeof TokenBalance.Type;
export type TokenAccountsWire = typeof TokenAccountsByOwnerResult.Type;
