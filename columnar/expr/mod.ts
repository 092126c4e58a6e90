/**
 * Filter expressions over record batches: `col("strain").abs().gt(1e-21)`, `lit`,
 * comparisons, arithmetic, `and`/`or`/`not`, `isNull` (alias `is_null`). Expressions are
 * evaluated column-at-a-time into typed arrays, with SQL null semantics, and plug into
 * `batch.filter(expr)` (an `Expr` is a row predicate).
 *
 * @example
 * ```ts
 * import { col, RecordBatch } from "@avila/arrow";
 * const batch = RecordBatch.fromColumns({
 *   strain: new Float64Array([1e-22, -3e-21, 2e-21]),
 *   detector: ["H1", "L1", "V1"],
 * });
 * const loud = batch.filter(col("strain").abs().gt(1e-21).and(col("detector").ne("V1")));
 * console.log(loud.column("detector").toArray()); // [ "L1" ]
 * ```
 *
 * @module
 */
export * from "./expr.ts";
export * from "./evaluate.ts";
