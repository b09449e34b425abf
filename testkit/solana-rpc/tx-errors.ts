/**
 * LiteSVM's transaction errors in the JSON shape real RPC nodes return (`"BlockhashNotFound"`,
 * `{"InstructionError":[2,{"Custom":1}]}`), and which of them a real cluster would commit
 * (fee charged, status visible) versus drop before any block includes them.
 */

// Orders copied from litesvm's internal.d.ts (TransactionErrorFieldless, InstructionErrorFieldless):
// they are `const enum`s there, which isolatedModules code cannot read at runtime.
const TX_FIELDLESS = [
  "AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound", "InsufficientFundsForFee",
  "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound", "CallChainTooDeep", "MissingSignatureForFee",
  "InvalidAccountIndex", "SignatureFailure", "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance",
  "AccountBorrowOutstanding", "WouldExceedMaxBlockCostLimit", "UnsupportedVersion", "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit", "WouldExceedAccountDataBlockLimit", "TooManyAccountLocks",
  "AddressLookupTableNotFound", "InvalidAddressLookupTableOwner", "InvalidAddressLookupTableData",
  "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount", "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit", "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit", "UnbalancedTransaction", "ProgramCacheHitMaxLimit", "CommitCancelled",
] as const;

const IX_FIELDLESS = [
  "GenericError", "InvalidArgument", "InvalidInstructionData", "InvalidAccountData", "AccountDataTooSmall",
  "InsufficientFunds", "IncorrectProgramId", "MissingRequiredSignature", "AccountAlreadyInitialized",
  "UninitializedAccount", "UnbalancedInstruction", "ModifiedProgramId", "ExternalAccountLamportSpend",
  "ExternalAccountDataModified", "ReadonlyLamportChange", "ReadonlyDataModified", "DuplicateAccountIndex",
  "ExecutableModified", "RentEpochModified", "NotEnoughAccountKeys", "AccountDataSizeChanged",
  "AccountNotExecutable", "AccountBorrowFailed", "AccountBorrowOutstanding", "DuplicateAccountOutOfSync",
  "InvalidError", "ExecutableDataModified", "ExecutableLamportChange", "ExecutableAccountNotRentExempt",
  "UnsupportedProgramId", "CallDepth", "MissingAccount", "ReentrancyNotAllowed", "MaxSeedLengthExceeded",
  "InvalidSeeds", "InvalidRealloc", "ComputationalBudgetExceeded", "PrivilegeEscalation",
  "ProgramEnvironmentSetupFailure", "ProgramFailedToComplete", "ProgramFailedToCompile", "Immutable",
  "IncorrectAuthority", "AccountNotRentExempt", "InvalidAccountOwner", "ArithmeticOverflow", "UnsupportedSysvar",
  "IllegalOwner", "MaxAccountsDataAllocationsExceeded", "MaxAccountsExceeded", "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits", "BorshIoError",
] as const;

/** The RPC's JSON for a transaction error. */
export type TxErrorJson = string | Record<string, unknown>;

function instructionErrorJson(inner: unknown): unknown {
  if (typeof inner === "number") return IX_FIELDLESS[inner] ?? `Unknown(${inner})`;
  const o = inner as { code?: number; msg?: string };
  if (typeof o.code === "number") return { Custom: o.code };
  if (typeof o.msg === "string") return { BorshIoError: o.msg };
  return "GenericError";
}

/** Converts the value of LiteSVM's `FailedTransactionMetadata.err()`. */
export function txErrorJson(err: unknown): TxErrorJson {
  if (typeof err === "number") return TX_FIELDLESS[err] ?? `Unknown(${err})`;
  const o = err as { constructor: { name: string }; index?: number; accountIndex?: number; err?: () => unknown };
  switch (o.constructor.name) {
    case "TransactionErrorInstructionError":
      return { InstructionError: [o.index, instructionErrorJson(o.err?.())] };
    case "TransactionErrorDuplicateInstruction":
      return { DuplicateInstruction: o.index };
    case "TransactionErrorInsufficientFundsForRent":
      return { InsufficientFundsForRent: { account_index: o.accountIndex } };
    case "TransactionErrorProgramExecutionTemporarilyRestricted":
      return { ProgramExecutionTemporarilyRestricted: { account_index: o.accountIndex } };
    default:
      return "UnknownTransactionError";
  }
}

// Errors raised after the fee payer was charged: the cluster records these with `err` set.
const COMMITTED_FIELDLESS = new Set<string>([
  "ProgramAccountNotFound",
  "InvalidProgramForExecution",
  "InvalidRentPayingAccount",
  "UnbalancedTransaction",
  "MaxLoadedAccountsDataSizeExceeded",
  "InvalidLoadedAccountsDataSizeLimit",
]);

/** True when a real cluster would include the failed transaction in a block (err set, fee paid). */
export function isCommittedFailure(json: TxErrorJson): boolean {
  return typeof json === "string" ? COMMITTED_FIELDLESS.has(json) : true;
}

/** The human line an RPC node puts in a -32002 preflight error message. */
export function describeTxError(json: TxErrorJson): string {
  if (typeof json === "string") return json;
  const ie = json["InstructionError"];
  if (Array.isArray(ie)) {
    const inner = ie[1] as unknown;
    const custom = typeof inner === "object" && inner !== null ? (inner as { Custom?: number }).Custom : undefined;
    const what = custom !== undefined ? `custom program error: 0x${custom.toString(16)}` : String(inner);
    return `Error processing Instruction ${String(ie[0])}: ${what}`;
  }
  return JSON.stringify(json);
}
