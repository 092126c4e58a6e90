import assert from "node:assert/strict";
import { RecordBatch } from "../batch.ts";
import { columnFromValues } from "../infer.ts";
import { ArrowError } from "../errors.ts";
import { dictionary, int32, int64, timestamp, TimeUnit, utf8 } from "../types.ts";
import { seeded } from "../extensions/_test_random.ts";
import { and, col, type Expr, lit, not, or } from "./expr.ts";
import { computeColumn, predicateMask } from "./evaluate.ts";

// ---- a naive, row-at-a-time reference evaluator with SQL null semantics ------------------

type V = number | bigint | string | boolean | null;
const enc = new TextEncoder();
function byteCmp(a: string, b: string): number {
  const x = enc.encode(a), y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
function refEval(e: Expr, row: Record<string, unknown>): V {
  const n = e.node;
  switch (n.kind) {
    case "column":
      return row[n.name] as V;
    case "literal":
      return n.value instanceof Date ? n.value.getTime() : n.value;
    case "unary": {
      const a = refEval(n.arg, row);
      if (n.op === "isNull") return a === null;
      if (n.op === "isNotNull") return a !== null;
      if (a === null) return null;
      if (n.op === "not") return !a;
      if (n.op === "neg") return -Number(a);
      return Math.abs(Number(a));
    }
    case "binary": {
      const a = refEval(n.left, row), b = refEval(n.right, row);
      if (n.op === "and") {
        if (a === false || b === false) return false;
        return a === null || b === null ? null : true;
      }
      if (n.op === "or") {
        if (a === true || b === true) return true;
        return a === null || b === null ? null : false;
      }
      if (a === null || b === null) return null;
      if (n.op === "add") return Number(a) + Number(b);
      if (n.op === "sub") return Number(a) - Number(b);
      if (n.op === "mul") return Number(a) * Number(b);
      if (n.op === "div") return Number(a) / Number(b);
      let c: number;
      if (typeof a === "string") c = byteCmp(a, b as string);
      else if (typeof a === "bigint" && typeof b === "bigint") c = a < b ? -1 : a > b ? 1 : 0;
      else {
        const x = Number(a), y = Number(b);
        if (Number.isNaN(x) || Number.isNaN(y)) return n.op === "ne";
        c = x < y ? -1 : x > y ? 1 : 0;
      }
      return { eq: c === 0, ne: c !== 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[n.op];
    }
  }
}

// ---- random batches with nulls --------------------------------------------------------

const WORDS = ["H1", "L1", "V1", "K1", "é", "zz", "", "GEO600", "\u{1F680}", "\uFFFD"];

function randomBatch(seed: number, n: number): RecordBatch {
  const r = seeded(seed);
  const maybe = <T>(v: T): T | null => (r() < 0.2 ? null : v);
  const f = [], g = [], i32 = [], i64 = [], s = [], d = [], b = [], ts = [];
  for (let k = 0; k < n; k++) {
    f.push(maybe(r() < 0.05 ? NaN : (r() - 0.5) * 4e-21));
    g.push(maybe(Math.round((r() - 0.5) * 20) / 4));
    i32.push(maybe(Math.floor((r() - 0.5) * 10)));
    i64.push(maybe(BigInt(Math.floor((r() - 0.5) * 10)) * 2n ** 55n + BigInt(k & 3)));
    s.push(maybe(WORDS[Math.floor(r() * WORDS.length)]));
    d.push(maybe(WORDS[Math.floor(r() * 4)]));
    b.push(maybe(r() < 0.5));
    ts.push(maybe(1_700_000_000_000 + Math.floor(r() * 10) * 1000));
  }
  return RecordBatch.fromColumns({
    f,
    g,
    i: columnFromValues(i32, int32()),
    big: columnFromValues(i64, int64()),
    s: columnFromValues(s, utf8()),
    d: columnFromValues(d, dictionary(utf8(), int32())),
    b,
    ts: columnFromValues(
      ts.map((t) => (t === null ? null : new Date(t))),
      timestamp(TimeUnit.MILLISECOND, "UTC"),
    ),
  });
}

function randomNumeric(r: () => number, depth: number): Expr {
  const leaves = [
    () => col("f"),
    () => col("g"),
    () => col("i"),
    () => lit(Math.round((r() - 0.5) * 8) / 2),
    () => lit(null),
  ];
  if (depth <= 0 || r() < 0.3) return leaves[Math.floor(r() * (r() < 0.9 ? 4 : 5))]();
  const a = randomNumeric(r, depth - 1);
  switch (Math.floor(r() * 6)) {
    case 0:
      return a.abs();
    case 1:
      return a.neg();
    case 2:
      return a.add(randomNumeric(r, depth - 1));
    case 3:
      return a.sub(randomNumeric(r, depth - 1));
    case 4:
      return a.mul(randomNumeric(r, depth - 1));
    default:
      return a.div(randomNumeric(r, depth - 1));
  }
}

const OPS = ["eq", "ne", "lt", "le", "gt", "ge"] as const;

function randomPredicate(r: () => number, depth: number): Expr {
  const op = OPS[Math.floor(r() * OPS.length)];
  if (depth <= 0 || r() < 0.35) {
    switch (Math.floor(r() * 7)) {
      case 0:
        return randomNumeric(r, 2)[op](randomNumeric(r, 2));
      case 1:
        return col("s")[op](WORDS[Math.floor(r() * WORDS.length)]);
      case 2:
        return col("d")[op](WORDS[Math.floor(r() * WORDS.length)]);
      case 3:
        return col("s")[op](col("d"));
      case 4:
        return col("big")[op](
          r() < 0.5 ? BigInt(Math.floor((r() - 0.5) * 6)) * 2n ** 55n : col("big"),
        );
      case 5:
        return r() < 0.5 ? col("b") : col("b").eq(r() < 0.5);
      default:
        return [col("f"), col("s"), col("d"), col("big")][Math.floor(r() * 4)]
          [r() < 0.5 ? "isNull" : "is_null"]();
    }
  }
  switch (Math.floor(r() * 4)) {
    case 0:
      return randomPredicate(r, depth - 1).and(randomPredicate(r, depth - 1));
    case 1:
      return randomPredicate(r, depth - 1).or(randomPredicate(r, depth - 1));
    case 2:
      return not(randomPredicate(r, depth - 1));
    default:
      return randomPredicate(r, depth - 1).isNotNull();
  }
}

Deno.test("expr: random predicates on random batches with nulls agree with a naive evaluator", () => {
  const r = seeded(99);
  let selected = 0, total = 0;
  for (let round = 0; round < 12; round++) {
    const batch = randomBatch(1000 + round, 300);
    const rows = batch.toRows();
    // timestamps come back as numbers (ms) from get(); the reference sees the same values
    for (let t = 0; t < 40; t++) {
      const p = randomPredicate(r, 3);
      const mask = predicateMask(batch, p);
      for (let k = 0; k < rows.length; k++) {
        const want = refEval(p, rows[k]) === true ? 1 : 0;
        assert.equal(
          mask[k],
          want,
          `${p} row ${k}: ${
            JSON.stringify(rows[k], (_, v) => typeof v === "bigint" ? `${v}n` : v)
          }`,
        );
      }
      selected += mask.reduce((a, b) => a + b, 0);
      total += mask.length;
      const filtered = batch.filter(p);
      assert.equal(filtered.numRows, mask.reduce((a, b) => a + b, 0));
      const kept = rows.filter((_, k) => mask[k] === 1);
      assert.deepEqual(filtered.toRows(), kept);
    }
  }
  // the generator must exercise both outcomes, or the comparison above proves little
  assert.ok(selected > total * 0.1 && selected < total * 0.9, `${selected} of ${total} selected`);
});

Deno.test("expr: numeric expressions computed as columns match the reference, nulls included", () => {
  const r = seeded(7);
  const batch = randomBatch(5, 500);
  const rows = batch.toRows();
  for (let t = 0; t < 60; t++) {
    const e = randomNumeric(r, 3);
    const c = computeColumn(batch, e);
    for (let k = 0; k < rows.length; k++) {
      const want = refEval(e, rows[k]);
      // integer arithmetic is int64 (bigints); the values here are small, exact as numbers
      const v = c.get(k);
      const got = typeof v === "bigint" ? Number(v) : v;
      if (want === null) assert.equal(got, null, `${e} row ${k}`);
      else assert.ok(Object.is(got, want) || got === want, `${e} row ${k}: ${got} vs ${want}`);
    }
  }
});

Deno.test("expr: the issue's example and the spellings", () => {
  const batch = RecordBatch.fromColumns({
    strain: [1e-22, -3e-21, null, 2e-21, NaN],
    detector: ["H1", "L1", "V1", null, "H1"],
  });
  const loud = batch.filter(col("strain").abs().gt(1e-21));
  assert.deepEqual(loud.toRows(), [{ strain: -3e-21, detector: "L1" }, {
    strain: 2e-21,
    detector: null,
  }]);
  assert.deepEqual(batch.filter(col("strain").is_null()).toRows(), [{
    strain: null,
    detector: "V1",
  }]);
  assert.equal(batch.filter(col("detector").isNull().or(col("detector").eq("V1"))).numRows, 2);
  assert.equal(batch.filter(and(col("strain").gt(0), col("detector").isNotNull())).numRows, 1);
  assert.equal(batch.filter(or()).numRows, 0);
  assert.equal(batch.filter(and()).numRows, 5);
  assert.equal(batch.filter(lit(null)).numRows, 0);
  assert.equal(col("strain").abs().gt(1e-21).toString(), "(abs(strain) > 1e-21)");
  assert.deepEqual(col("a").add(col("b")).gt(col("a")).columns(), ["a", "b"]);
});

Deno.test("expr: three-valued logic truth table", () => {
  const vals = [true, false, null];
  const a: (boolean | null)[] = [], b: (boolean | null)[] = [];
  for (const x of vals) for (const y of vals) a.push(x), b.push(y);
  const batch = RecordBatch.fromColumns({ a, b });
  const andCol = computeColumn(batch, col("a").and(col("b")));
  const orCol = computeColumn(batch, col("a").or(col("b")));
  const notCol = computeColumn(batch, col("a").not());
  const wantAnd = [true, false, null, false, false, false, null, false, null];
  const wantOr = [true, true, true, true, false, null, true, null, null];
  for (let k = 0; k < 9; k++) {
    assert.equal(andCol.get(k), wantAnd[k], `and ${a[k]} ${b[k]}`);
    assert.equal(orCol.get(k), wantOr[k], `or ${a[k]} ${b[k]}`);
    assert.equal(notCol.get(k), a[k] === null ? null : !a[k]);
  }
});

Deno.test("expr: int64 comparisons are exact beyond 2^53", () => {
  const big = 2n ** 60n;
  const batch = RecordBatch.fromColumns({ id: new BigInt64Array([big, big + 1n, -big]) });
  assert.deepEqual(Array.from(predicateMask(batch, col("id").eq(big + 1n))), [0, 1, 0]);
  assert.deepEqual(Array.from(predicateMask(batch, col("id").gt(big))), [0, 1, 0]);
  assert.deepEqual(Array.from(predicateMask(batch, col("id").lt(0))), [0, 0, 1]);
});

Deno.test("expr: slices, dates and typed errors", () => {
  const batch = RecordBatch.fromColumns({
    x: new Float64Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    s: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
  }).slice(3, 5);
  assert.deepEqual(batch.filter(col("x").ge(5).and(col("s").lt("h"))).toRows(), [
    { x: 5, s: "f" },
    { x: 6, s: "g" },
  ]);
  const t = RecordBatch.fromRows([{ at: new Date(1000) }, { at: new Date(5000) }]);
  assert.equal(t.filter(col("at").gt(new Date(2000))).numRows, 1);
  const isInvalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";
  assert.throws(() => batch.filter(col("nope").gt(1)), isInvalid);
  assert.throws(() => batch.filter(col("s").gt(1)), isInvalid);
  assert.throws(() => batch.filter(col("x").add(1)), isInvalid);
  assert.throws(() => batch.filter(col("x").and(true)), isInvalid);
  assert.throws(() => batch.filter(col("s").abs().gt(0)), isInvalid);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => lit({} as any), isInvalid);
  const nested = RecordBatch.fromRows([{ l: [1, 2] }]);
  assert.throws(
    () => nested.filter(col("l").isNull()),
    (e) => e instanceof ArrowError && e.code === "unsupported",
  );
});
