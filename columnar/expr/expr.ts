/**
 * Filter and projection expressions: an immutable tree built with {@linkcode col} and
 * {@linkcode lit} and chained methods, e.g. `col("strain").abs().gt(1e-21)`. Building an
 * expression does no work; {@linkcode evaluate} and {@linkcode filter} compile it into
 * column-at-a-time loops over typed arrays.
 *
 * @module
 */
import type { RecordBatch } from "../batch.ts";
import { ArrowError } from "../errors.ts";
import { predicateMask } from "./evaluate.ts";

/**
 * A literal value: numbers, bigints, strings, booleans, `Date`s (instants, compared with
 * timestamp and date columns) or null.
 */
export type LiteralValue = number | bigint | string | boolean | Date | null;

type UnaryOp = Extract<ExprNode, { kind: "unary" }>["op"];

export type BinaryOp = Extract<ExprNode, { kind: "binary" }>["op"];

/** The node of an {@link Expr}. */
export type ExprNode = Expr["node"];

/** An operand: an expression, or a plain value taken as a literal. */
export type ExprLike = Expr | LiteralValue;

const SYMBOLS: Record<BinaryOp, string> = {
  add: "+",
  sub: "-",
  mul: "*",
  div: "/",
  eq: "=",
  ne: "!=",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
  and: "AND",
  or: "OR",
};

/**
 * One node of an expression. Methods return new expressions; nothing is evaluated until the
 * expression is passed to {@linkcode evaluate} or {@linkcode filter}.
 *
 * Semantics follow SQL: arithmetic and comparisons with a null operand give null, `and`/`or`
 * use three-valued logic (`false AND null` is false, `true OR null` is true), a filter keeps
 * only rows where the predicate is true (not false, not null).
 *
 * int64/uint64, decimal, timestamp, date, time and duration columns are exact, in their own
 * units, as in duckdb and Arrow compute: comparisons between them (2^53 + 1 > 2^53, t + 1 ns >
 * t, decimals of different scales, timestamp[s] against timestamp[ns]) are exact, and so are
 * number and bigint literals next to them (`2.5` is the decimal 2.5). `+ - *` on exact
 * operands give int64 (uint64 when the columns are), decimal128(38, s), timestamp or duration
 * results, and a result that does not fit its type is an `invalid` error (duckdb's overflow
 * error), never a wrapped or rounded value. `+ - *` on 8- to 32-bit integer columns and
 * integer literals are int64 (uint64) too, exact past 2^53 (int32 * int32 reaches 2^62).
 * Division, fractional number literals next to 8- to 32-bit integers, and anything mixed with
 * a float column, are float64. A bigint literal is never rounded: `x = 2n ** 53n + 1n` is
 * false for the float64 2^53, and bigint constants fold exactly. Instants (timestamps, dates)
 * compare with instants and `Date`s only, durations with durations and numbers in their own
 * unit; `time - time` is a duration in the finer unit; other mixes are `invalid` errors. NaN
 * compares false with everything except `ne` (IEEE 754, as Arrow compute).
 *
 * @example
 * ```ts
 * import { col } from "@avila/arrow";
 * const e = col("strain").abs().gt(1e-21).and(col("detector").eq("H1"));
 * console.log(e.toString()); // ((abs(strain) > 1e-21) AND (detector = "H1"))
 * ```
 */
export class Expr {
  /** The node. */
  readonly node:
    | { readonly kind: "column"; readonly name: string }
    | { readonly kind: "literal"; readonly value: LiteralValue }
    | {
      readonly kind: "unary";
      readonly op: "abs" | "neg" | "not" | "isNull" | "isNotNull";
      readonly arg: Expr;
    }
    | {
      readonly kind: "binary";
      readonly op:
        | "add"
        | "sub"
        | "mul"
        | "div"
        | "eq"
        | "ne"
        | "lt"
        | "le"
        | "gt"
        | "ge"
        | "and"
        | "or";
      readonly left: Expr;
      readonly right: Expr;
    };

  /** Wraps a node; prefer {@linkcode col}, {@linkcode lit} and the methods. */
  constructor(node: Expr["node"]) {
    this.node = node;
  }

  #unary(op: UnaryOp): Expr {
    return new Expr({ kind: "unary", op, arg: this });
  }
  #binary(op: BinaryOp, other: ExprLike): Expr {
    return new Expr({ kind: "binary", op, left: this, right: toExpr(other) });
  }

  /** `this + other`. */
  add(other: ExprLike): Expr {
    return this.#binary("add", other);
  }
  /** `this - other`. */
  sub(other: ExprLike): Expr {
    return this.#binary("sub", other);
  }
  /** `this * other`. */
  mul(other: ExprLike): Expr {
    return this.#binary("mul", other);
  }
  /** `this / other` (IEEE division: x/0 is ±Infinity or NaN, not null). */
  div(other: ExprLike): Expr {
    return this.#binary("div", other);
  }
  /** `|this|`. */
  abs(): Expr {
    return this.#unary("abs");
  }
  /** `-this`. */
  neg(): Expr {
    return this.#unary("neg");
  }
  /** `this = other`. */
  eq(other: ExprLike): Expr {
    return this.#binary("eq", other);
  }
  /** `this != other`. */
  ne(other: ExprLike): Expr {
    return this.#binary("ne", other);
  }
  /** `this < other`. */
  lt(other: ExprLike): Expr {
    return this.#binary("lt", other);
  }
  /** `this <= other`. */
  le(other: ExprLike): Expr {
    return this.#binary("le", other);
  }
  /** `this > other`. */
  gt(other: ExprLike): Expr {
    return this.#binary("gt", other);
  }
  /** `this >= other`. */
  ge(other: ExprLike): Expr {
    return this.#binary("ge", other);
  }
  /** `this AND other` (three-valued). */
  and(other: ExprLike): Expr {
    return this.#binary("and", other);
  }
  /** `this OR other` (three-valued). */
  or(other: ExprLike): Expr {
    return this.#binary("or", other);
  }
  /** `NOT this` (null stays null). */
  not(): Expr {
    return this.#unary("not");
  }
  /** `this IS NULL` (never null itself). */
  isNull(): Expr {
    return this.#unary("isNull");
  }
  /** Same as {@linkcode Expr.isNull}, in the spelling of Arrow compute and SQL engines. */
  is_null(): Expr {
    return this.#unary("isNull");
  }
  /** `this IS NOT NULL` (never null itself). */
  isNotNull(): Expr {
    return this.#unary("isNotNull");
  }
  /** Same as {@linkcode Expr.isNotNull}. */
  is_not_null(): Expr {
    return this.#unary("isNotNull");
  }

  /**
   * The predicate's row mask over `batch` (1 = true; false and null rows are 0). This makes
   * an expression usable directly as `batch.filter(expr)`.
   */
  evaluate(batch: RecordBatch): Uint8Array {
    return predicateMask(batch, this);
  }

  /** The names of the columns the expression reads, each once. */
  columns(): string[] {
    const out = new Set<string>();
    const walk = (e: Expr): void => {
      const n = e.node;
      if (n.kind === "column") out.add(n.name);
      else if (n.kind === "unary") walk(n.arg);
      else if (n.kind === "binary") {
        walk(n.left);
        walk(n.right);
      }
    };
    walk(this);
    return [...out];
  }

  /** A SQL-like rendering, for logs and error messages. */
  toString(): string {
    const n = this.node;
    switch (n.kind) {
      case "column":
        return /^[A-Za-z_][A-Za-z0-9_]*$/.test(n.name) ? n.name : JSON.stringify(n.name);
      case "literal":
        return typeof n.value === "string"
          ? JSON.stringify(n.value)
          : n.value instanceof Date
          ? `timestamp(${n.value.toISOString()})`
          : String(n.value);
      case "unary":
        return n.op === "isNull"
          ? `(${n.arg} IS NULL)`
          : n.op === "isNotNull"
          ? `(${n.arg} IS NOT NULL)`
          : n.op === "not"
          ? `(NOT ${n.arg})`
          : n.op === "neg"
          ? `(-${n.arg})`
          : `abs(${n.arg})`;
      case "binary":
        return `(${n.left} ${SYMBOLS[n.op]} ${n.right})`;
    }
  }
}

function toExpr(v: ExprLike): Expr {
  return v instanceof Expr ? v : lit(v);
}

/**
 * A reference to the column called `name`.
 *
 * @example
 * ```ts
 * import { col } from "@avila/arrow";
 * console.log(col("t").lt(10).toString()); // (t < 10)
 * ```
 */
export function col(name: string): Expr {
  if (typeof name !== "string") throw new ArrowError("invalid", "column name must be a string");
  return new Expr({ kind: "column", name });
}

/**
 * A literal value (numbers, bigints, strings, booleans, `Date`s as instants, null).
 *
 * @example
 * ```ts
 * import { col, lit } from "@avila/arrow";
 * console.log(lit(2).mul(col("x")).toString()); // (2 * x)
 * ```
 */
export function lit(value: LiteralValue): Expr {
  const ok = value === null || typeof value === "number" || typeof value === "bigint" ||
    typeof value === "string" || typeof value === "boolean" ||
    (value instanceof Date && !Number.isNaN(value.getTime()));
  if (!ok) throw new ArrowError("invalid", `unsupported literal of type ${typeof value}`);
  return new Expr({ kind: "literal", value });
}

/**
 * Conjunction of several predicates (true when there are none).
 *
 * @example
 * ```ts
 * import { and, col } from "@avila/arrow";
 * console.log(and(col("a").gt(0), col("b").gt(0)).toString()); // ((a > 0) AND (b > 0))
 * ```
 */
export function and(...predicates: ExprLike[]): Expr {
  if (predicates.length === 0) return lit(true);
  return predicates.map(toExpr).reduce((a, b) => a.and(b));
}

/**
 * Disjunction of several predicates (false when there are none).
 *
 * @example
 * ```ts
 * import { col, or } from "@avila/arrow";
 * console.log(or(col("a").isNull(), col("a").eq(0)).toString()); // ((a IS NULL) OR (a = 0))
 * ```
 */
export function or(...predicates: ExprLike[]): Expr {
  if (predicates.length === 0) return lit(false);
  return predicates.map(toExpr).reduce((a, b) => a.or(b));
}

/**
 * Negation of a predicate.
 *
 * @example
 * ```ts
 * import { col, not } from "@avila/arrow";
 * console.log(not(col("ok")).toString()); // (NOT ok)
 * ```
 */
export function not(predicate: ExprLike): Expr {
  return toExpr(predicate).not();
}
