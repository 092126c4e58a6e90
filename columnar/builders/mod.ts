/**
 * One builder per type, and {@link makeBuilder} to pick one.
 *
 * @module
 */

export type { Builder, BuilderOptions } from "./builder.ts";
export * from "./make.ts";
export * from "./null.ts";
export * from "./bool.ts";
export * from "./number.ts";
export * from "./bigint.ts";
export * from "./temporal.ts";
export * from "./decimal.ts";
export * from "./utf8.ts";
export * from "./binary.ts";
export * from "./list.ts";
export * from "./struct.ts";
export * from "./dictionary.ts";
export * from "./interval.ts";
export * from "./list_view.ts";
export * from "./map.ts";
export * from "./union.ts";
export * from "./run_end.ts";
