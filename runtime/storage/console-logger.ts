/** The storage logger used when none is given: console lines tagged `[storage]`. */
import type { StorageLogger } from "./storage.js";

export const consoleLogger: StorageLogger = {
  info: (msg, fields) => console.info(`[storage] ${msg}`, fields ?? ""),
  warn: (msg, fields) => console.warn(`[storage] ${msg}`, fields ?? ""),
  error: (msg, fields) => console.error(`[storage] ${msg}`, fields ?? ""),
};
