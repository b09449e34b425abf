import type { Statechart } from "../../http/statechart.js";

export declare const CHAR_W: number;
export declare const ROOT: string;
/** The ELK input graph of `chart`: nodes sized by their labels, compound states as parents. */
export declare function toElk(chart: Statechart): object;
