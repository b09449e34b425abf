export * from "./impact.js";
export * from "./risk.js";
export * from "./risk.params.js";
export * from "./token-safety.js";
export * from "./mint-info.js";
