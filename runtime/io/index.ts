/**
 * Import and export of market data files (`alphagpt import ohlcv`, `alphagpt export`): the
 * public surface the CLI wires. Formats and rules: ohlcv-columns.ts, pools-csv.ts, export.ts.
 */
export { CsvImportError, type CsvIssue } from "./errors.js";
export { EXPORT_COLUMNS, exportBars, type ExportOptions, type ExportResult } from "./export.js";
export { formatInterval, intervalFromFileName, parseInterval } from "./interval.js";
export { importOhlcv, type ImportOhlcvOptions, type OhlcvImportResult, validateOhlcvFile } from "./ohlcv-csv.js";
export { formatReport, type OhlcvReport } from "./ohlcv-report.js";
export { type KeyMeta, type ScanOptions, type ScanResult, scanOhlcv } from "./ohlcv-scan.js";
export { importPools, type PoolInfo, type PoolsFile, type PoolsImportResult, readPoolsCsv } from "./pools-csv.js";
