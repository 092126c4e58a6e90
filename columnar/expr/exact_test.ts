// Filter expressions on 64-bit integers, decimals and temporal values checked against duckdb
// (SQL literals and arithmetic) and pyarrow.compute (mixed temporal units), on the same data:
// nulls, NaN, infinities, int64/uint64 extremes, 2^53 + 1, decimals past float64 precision,
// timestamps one nanosecond apart.
import assert from "node:assert/strict";
import { RecordBatch } from "../batch.ts";
import { type Column, makeColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { columnFromValues } from "../infer.ts";
import { writeIpcStream } from "../ipc/mod.ts";
import {
  date32,
  decimal128,
  decimal256,
  decimal32,
  dictionary,
  duration,
  float64,
  int16,
  int32,
  int64,
  int8,
  time,
  timestamp,
  TimeUnit,
  Type,
  uint32,
  uint64,
  uint8,
} from "../types.ts";
import { seeded } from "../extensions/_test_random.ts";
import { python } from "../_test_python.ts";
import { col, type Expr, lit } from "./expr.ts";
import { computeColumn, predicateMask } from "./evaluate.ts";

// ---- data -----------------------------------------------------------------------------

const N = 600;
const P53 = 2n ** 53n;
const I64_MAX = 2n ** 63n - 1n, I64_MIN = -(2n ** 63n);
const T0 = 1_700_000_000_123_456_789n; // ns

function data(): RecordBatch {
  const r = seeded(19);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = <T>(v: T): T | null => (r() < 0.1 ? null : v);
  const bigRand = (bits: number) => {
    let v = 0n;
    for (let k = 0; k < bits; k += 30) v = (v << 30n) | BigInt(Math.floor(r() * 2 ** 30));
    return BigInt.asIntN(bits, v);
  };
  const a64Pool = [0n, 1n, -1n, P53, P53 + 1n, P53 + 2n, -(P53 + 1n), 2n ** 61n, -(2n ** 61n)];
  const e64Pool = [I64_MAX, I64_MIN, I64_MAX - 1n, I64_MIN + 1n, 0n, P53 + 1n];
  const u64Pool = [0n, 1n, P53 + 1n, 2n ** 63n, 2n ** 64n - 1n];
  const fPool = [NaN, Infinity, -Infinity, 0, -0, 2 ** 53, 2 ** 53 + 2, 1.5, -2.5, 2 ** 63];
  const decPool = [0n, 1n, 105n, 10n, -1n, 10n ** 33n + 1n, 10n ** 33n, -(10n ** 33n + 3n)];
  const cols: Record<string, unknown[]> = {
    a: [],
    b: [],
    e: [],
    u: [],
    f: [],
    da: [],
    db: [],
    tn: [],
    tn2: [],
    tm: [],
    ts: [],
    dn: [],
    dm: [],
    d32: [],
    rid: [],
  };
  for (let i = 0; i < N; i++) {
    cols.rid.push(i);
    cols.a.push(maybe(r() < 0.6 ? pick(a64Pool) : bigRand(60)));
    cols.b.push(maybe(r() < 0.6 ? pick(a64Pool) : bigRand(60)));
    cols.e.push(maybe(r() < 0.6 ? pick(e64Pool) : bigRand(64)));
    cols.u.push(maybe(r() < 0.6 ? pick(u64Pool) : BigInt.asUintN(64, bigRand(64))));
    cols.f.push(maybe(r() < 0.6 ? pick(fPool) : (r() - 0.5) * 2 ** 64));
    // da: decimal(38, 2); db: decimal(38, 5) with values that often equal da's
    const da = r() < 0.6 ? pick(decPool) : bigRand(100) % 10n ** 30n;
    cols.da.push(maybe(da));
    cols.db.push(
      maybe(r() < 0.4 ? da * 1000n : r() < 0.5 ? da * 1000n + 1n : bigRand(90) % 10n ** 30n),
    );
    const tn = T0 + BigInt(Math.floor(r() * 5)) - 2n;
    cols.tn.push(maybe(tn));
    cols.tn2.push(maybe(r() < 0.5 ? tn : tn + 2n));
    cols.tm.push(maybe(T0 / 1_000_000n + BigInt(Math.floor(r() * 3)) - 1n));
    cols.ts.push(maybe(T0 / 1_000_000_000n + BigInt(Math.floor(r() * 3)) - 1n));
    cols.dn.push(maybe(BigInt(Math.floor(r() * 5_000_000)) - 2_500_000n));
    cols.dm.push(maybe(BigInt(Math.floor(r() * 5)) - 2n));
    cols.d32.push(maybe(19_675 + Math.floor(r() * 3)));
  }
  const c = (name: string, type: Parameters<typeof columnFromValues>[1]): Column =>
    columnFromValues(cols[name], type);
  return RecordBatch.fromColumns({
    rid: c("rid", int32()),
    a: c("a", int64()),
    b: c("b", int64()),
    e: c("e", int64()),
    u: c("u", uint64()),
    f: c("f", float64()),
    da: c("da", decimal128(38, 2)),
    db: c("db", decimal128(38, 5)),
    tn: c("tn", timestamp(TimeUnit.NANOSECOND)),
    tn2: c("tn2", timestamp(TimeUnit.NANOSECOND)),
    tm: c("tm", timestamp(TimeUnit.MILLISECOND)),
    ts: c("ts", timestamp(TimeUnit.SECOND)),
    dn: c("dn", duration(TimeUnit.NANOSECOND)),
    dm: c("dm", duration(TimeUnit.MILLISECOND)),
    d32: c("d32", date32()),
  });
}

// ---- the reference side ---------------------------------------------------------------

/** One check: our expression, and the same thing in duckdb SQL or pyarrow.compute. */
interface Case {
  expr: Expr;
  sql?: string;
  pc?: string;
  /** compare computed values instead of the filter mask */
  values?: boolean;
}

const RUNNER = `
import sys, json, decimal
import pyarrow as pa, pyarrow.compute as pc, duckdb
data = sys.stdin.buffer.read()
n = int.from_bytes(data[:4], "little")
cases = json.loads(data[4:4 + n])
t = pa.ipc.open_stream(data[4 + n:]).read_all()
con = duckdb.connect()
con.register("t", t)
def norm(v):
    if v is None: return None
    if isinstance(v, bool): return "1" if v else "0"
    if isinstance(v, decimal.Decimal):
        s = format(v, "f")
        if "." in s: s = s.rstrip("0").rstrip(".")
        return "0" if s in ("-0", "") else s
    return str(v)
out = []
for c in cases:
    try:
        if "sql" in c:
            q = f"SELECT ({c['sql']}) AS v FROM t ORDER BY rid"
            res = con.execute(q).fetch_arrow_table().column(0)
        else:
            res = eval(c["pc"], {"pc": pc, "pa": pa, "t": t})
            if isinstance(res, pa.ChunkedArray): res = res.combine_chunks()
        if pa.types.is_timestamp(res.type) or pa.types.is_duration(res.type):
            unit = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[res.type.unit]
            vals = [None if x is None else str(x * unit) for x in res.cast(pa.int64()).to_pylist()]
        else:
            vals = [norm(x) for x in res.to_pylist()]
        out.append({"values": vals})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)[:200]})
print(json.dumps(out))
`;

async function reference(batch: RecordBatch, cases: Case[]): Promise<
  Array<{ values?: (string | null)[]; error?: string }>
> {
  const spec = new TextEncoder().encode(
    JSON.stringify(cases.map((c) => (c.sql !== undefined ? { sql: c.sql } : { pc: c.pc }))),
  );
  const ipc = writeIpcStream(batch);
  const input = new Uint8Array(4 + spec.length + ipc.length);
  new DataView(input.buffer).setUint32(0, spec.length, true);
  input.set(spec, 4);
  input.set(ipc, 4 + spec.length);
  return JSON.parse(new TextDecoder().decode(await python(RUNNER, input)));
}

const PER_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

/** Our result for a case, as the reference prints it. */
function ours(batch: RecordBatch, c: Case): (string | null)[] {
  if (!c.values) {
    const mask = predicateMask(batch, c.expr);
    // the reference gives null for unknown; the mask has 0 there: compare definite trues
    return Array.from(mask, (m) => (m ? "1" : "0"));
  }
  const column = computeColumn(batch, c.expr);
  const t = column.type;
  const out: (string | null)[] = [];
  for (let i = 0; i < column.length; i++) {
    const v = column.get(i);
    if (v === null) out.push(null);
    else if (t.typeId === Type.Decimal) out.push(decimalString(v as bigint, t.scale));
    else if (t.typeId === Type.Timestamp || t.typeId === Type.Duration) {
      out.push(
        String(BigInt(column.data.values![column.data.offset + i] as bigint) * PER_UNIT[t.unit]),
      );
    } else out.push(String(v));
  }
  return out;
}

function decimalString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  if (scale > 0) s = `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, "");
  return s === "0" ? "0" : (neg ? "-" : "") + s;
}

async function check(cases: Case[]): Promise<void> {
  const batch = data();
  const ref = await reference(batch, cases);
  let trues = 0, rows = 0;
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k], want = ref[k];
    const what = `${c.expr} vs ${c.sql ?? c.pc}`;
    assert.ok(want.values !== undefined, `${what}: the reference failed: ${want.error}`);
    const got = ours(batch, c);
    const expected = c.values ? want.values! : want.values!.map((v) => (v === "1" ? "1" : "0"));
    for (let i = 0; i < got.length; i++) {
      assert.equal(got[i], expected[i], `${what}, row ${i}`);
    }
    if (!c.values) {
      trues += got.filter((g) => g === "1").length;
      rows += got.length;
    }
  }
  assert.ok(trues > rows * 0.1 && trues < rows * 0.9, `${trues} of ${rows} rows true`);
}

Deno.test("exact: int64 and uint64 comparisons match duckdb (2^53 + 1, extremes, literals)", async () => {
  const cases: Case[] = [];
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    const sym = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" }[op];
    cases.push({ expr: col("a")[op](col("b")), sql: `a ${sym} b` });
    cases.push({ expr: col("e")[op](col("a")), sql: `e ${sym} a` });
    cases.push({ expr: col("u")[op](col("e")), sql: `u ${sym} e` });
    cases.push({ expr: col("a")[op](P53 + 1n), sql: `a ${sym} ${P53 + 1n}` });
    cases.push({ expr: col("a")[op](2.5), sql: `a ${sym} 2.5` });
    cases.push({ expr: col("a")[op](-0.5), sql: `a ${sym} -0.5` });
    cases.push({ expr: col("e")[op](1e30), sql: `e ${sym} 1e30::DECIMAL(38,0)` });
    cases.push({ expr: col("u")[op](-1), sql: `u ${sym} -1` });
    cases.push({ expr: col("u")[op](2n ** 64n - 1n), sql: `u ${sym} ${2n ** 64n - 1n}::UBIGINT` });
  }
  // int64 against float64 is a float comparison in Arrow compute (and duckdb, which orders
  // NaN last where Arrow and IEEE 754 make every comparison with NaN false)
  cases.push({
    expr: col("a").lt(col("f")),
    pc: `pc.less(t["a"].cast(pa.float64(), safe=False), t["f"])`,
  });
  cases.push({
    expr: col("e").eq(col("f")),
    pc: `pc.equal(t["e"].cast(pa.float64(), safe=False), t["f"])`,
  });
  // the arithmetic: x + 1 > x for x = 2^53 + 1
  cases.push({ expr: col("a").add(1).gt(col("a")), sql: "a + 1 > a" });
  cases.push({ expr: col("a").sub(col("b")).lt(0), sql: "a - b < 0" });
  cases.push({ expr: col("a").add(col("b")), sql: "a + b", values: true });
  cases.push({ expr: col("a").sub(P53), sql: `a - ${P53}`, values: true });
  cases.push({ expr: col("a").neg(), sql: "-a", values: true });
  cases.push({ expr: col("a").abs(), sql: "abs(a)", values: true });
  await check(cases);
});

Deno.test("exact: decimal128 comparisons and arithmetic match duckdb", async () => {
  const cases: Case[] = [];
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    const sym = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" }[op];
    cases.push({ expr: col("da")[op](col("db")), sql: `da ${sym} db` });
    cases.push({ expr: col("da")[op](1.05), sql: `da ${sym} 1.05` });
    cases.push({ expr: col("da")[op](0.001), sql: `da ${sym} 0.001` });
    cases.push({ expr: col("db")[op](col("a")), sql: `db ${sym} a` });
    cases.push({ expr: col("da")[op](10n ** 34n), sql: `da ${sym} ${10n ** 34n}` });
  }
  cases.push({ expr: col("da").add(col("db")), sql: "da + db", values: true });
  cases.push({ expr: col("da").sub(col("db")), sql: "da - db", values: true });
  cases.push({ expr: col("da").sub(col("a")), sql: "da - a", values: true });
  cases.push({ expr: col("da").add(0.5), sql: "da + 0.5", values: true });
  cases.push({ expr: col("da").add(col("db")).gt(col("da")), sql: "da + db > da" });
  await check(cases);
});

Deno.test("exact: timestamps, durations and dates compare exactly across units (pyarrow)", async () => {
  const cases: Case[] = [];
  const fns = {
    eq: "equal",
    ne: "not_equal",
    lt: "less",
    le: "less_equal",
    gt: "greater",
    ge: "greater_equal",
  };
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    const f = fns[op];
    cases.push({ expr: col("tn")[op](col("tn2")), pc: `pc.${f}(t["tn"], t["tn2"])` });
    cases.push({ expr: col("tn")[op](col("tm")), pc: `pc.${f}(t["tn"], t["tm"])` });
    cases.push({ expr: col("ts")[op](col("tm")), pc: `pc.${f}(t["ts"], t["tm"])` });
    cases.push({ expr: col("dn")[op](col("dm")), pc: `pc.${f}(t["dn"], t["dm"])` });
    cases.push({
      expr: col("d32")[op](col("ts")),
      pc: `pc.${f}(t["d32"].cast(pa.timestamp("s")), t["ts"])`,
    });
    const ms = Number(T0 / 1_000_000n);
    cases.push({
      expr: col("tn")[op](new Date(ms)),
      pc: `pc.${f}(t["tn"], pa.scalar(${ms}, pa.timestamp("ms")))`,
    });
    cases.push({ expr: col("dm")[op](1), pc: `pc.${f}(t["dm"], pa.scalar(1, pa.duration("ms")))` });
  }
  cases.push({ expr: col("tn").sub(col("tm")), pc: `pc.subtract(t["tn"], t["tm"])`, values: true });
  cases.push({ expr: col("tn").add(col("dm")), pc: `pc.add(t["tn"], t["dm"])`, values: true });
  cases.push({ expr: col("dn").sub(col("dm")), pc: `pc.subtract(t["dn"], t["dm"])`, values: true });
  await check(cases);
});

Deno.test("exact: overflow is an error, as in duckdb; mixing domains is refused", async () => {
  const batch = data();
  const ref = await reference(batch, [
    { expr: col("e").add(col("e")), sql: "e + e" },
    { expr: col("u").sub(col("u")).sub(1), sql: "u - u - 1" },
  ]);
  for (const r of ref) assert.match(r.error ?? "", /Overflow|Out of Range|OutOfRange/i);
  const invalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";
  assert.throws(() => computeColumn(batch, col("e").add(col("e"))), invalid);
  assert.throws(() => computeColumn(batch, col("e").mul(col("e"))), invalid);
  assert.throws(() => computeColumn(batch, col("e").neg().neg()), invalid);
  assert.throws(() => computeColumn(batch, col("u").sub(col("u")).sub(1)), invalid);
  // instants compare with instants and Dates only, durations with durations
  assert.throws(() => predicateMask(batch, col("tn").gt(col("dn"))), invalid);
  assert.throws(() => predicateMask(batch, col("tn").gt(5)), invalid);
  assert.throws(() => predicateMask(batch, col("dn").gt(new Date(0))), invalid);
  assert.throws(() => predicateMask(batch, col("da").gt(col("tn"))), invalid);
  assert.throws(() => computeColumn(batch, col("tn").add(col("tm"))), invalid);
  // the cases, literally: t and t + 2 ns differ; x + 1 > x for x = 2^53 + 1
  const ns = timestamp(TimeUnit.NANOSECOND);
  const t = RecordBatch.fromColumns({
    t: columnFromValues([T0, T0 + 2n], ns),
    u: columnFromValues([T0 + 2n, T0 + 2n], ns),
    x: columnFromValues([P53 + 1n, -P53 - 1n], int64()),
  });
  assert.deepEqual(Array.from(predicateMask(t, col("t").eq(col("u")))), [0, 1]);
  assert.deepEqual(Array.from(predicateMask(t, col("x").add(1).gt(col("x")))), [1, 1]);
  assert.deepEqual(Array.from(predicateMask(t, col("x").eq(lit(P53 + 1n)))), [1, 0]);
});

Deno.test("exact: wider decimals (256-bit words) compare exactly", () => {
  const unscaled = [-(10n ** 50n), 0n, 10n ** 50n + 1n, 10n ** 50n]; // scale 2
  const words = new Uint32Array(8 * unscaled.length);
  unscaled.forEach((v, i) => {
    const u = BigInt.asUintN(256, v);
    for (let j = 0; j < 8; j++) words[8 * i + j] = Number((u >> BigInt(32 * j)) & 0xffffffffn);
  });
  const type = { typeId: Type.Decimal, precision: 60, scale: 2, bitWidth: 256 };
  const column = makeColumn({
    type: type as unknown as ReturnType<typeof decimal128>,
    length: unscaled.length,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: words,
    offsets: null,
    children: [],
    dictionary: null,
  });
  const batch = RecordBatch.fromColumns({ d: column });
  const mask = (e: Expr) => Array.from(predicateMask(batch, e));
  assert.deepEqual(mask(col("d").gt(10n ** 48n)), [0, 0, 1, 0]);
  assert.deepEqual(mask(col("d").ge(10n ** 48n)), [0, 0, 1, 1]);
  assert.deepEqual(mask(col("d").eq(0)), [0, 1, 0, 0]);
  assert.deepEqual(mask(col("d").lt(-(10n ** 47n))), [1, 0, 0, 0]);
  assert.deepEqual(mask(col("d").gt(col("d"))), [0, 0, 0, 0]);
});

Deno.test("exact: zoned and zone-less timestamps do not mix, as in pyarrow; zones carry over", async () => {
  const utc = timestamp(TimeUnit.NANOSECOND, "UTC");
  const b = RecordBatch.fromColumns({
    z: columnFromValues([0n, 1_000n], utc),
    y: columnFromValues([0n, 0n], timestamp(TimeUnit.MICROSECOND, "America/New_York")),
    n: columnFromValues([0n, 1_000n], timestamp(TimeUnit.NANOSECOND)),
    d: columnFromValues([0n, 1n], duration(TimeUnit.MICROSECOND)),
    day: columnFromValues([0, 0], date32()),
  });
  // pyarrow.compute refuses both: "Cannot compare timestamp with timezone to timestamp without
  // timezone", "Subtraction of zoned and non-zoned times is ambiguous"
  const out = await python(
    `import pyarrow as pa, pyarrow.compute as pc
z = pa.array([0, 1000], pa.timestamp("ns", "UTC")); n = pa.array([0, 1000], pa.timestamp("ns"))
for f in (pc.equal, pc.less, pc.subtract):
    try: f(z, n); print("ok")
    except pa.ArrowInvalid: print("refused")
print(pc.add(z, pa.array([0, 1], pa.duration("us"))).type)`,
    new Uint8Array(0),
  );
  assert.equal(
    new TextDecoder().decode(out).trim(),
    "refused\nrefused\nrefused\ntimestamp[ns, tz=UTC]",
  );
  const invalid = (e: unknown) =>
    e instanceof ArrowError && e.code === "invalid" && /time zone/.test(e.message);
  assert.throws(() => predicateMask(b, col("z").eq(col("n"))), invalid);
  assert.throws(() => predicateMask(b, col("n").lt(col("z"))), invalid);
  assert.throws(() => computeColumn(b, col("z").sub(col("n"))), invalid);
  assert.throws(() => predicateMask(b, col("n").add(col("d")).eq(col("z"))), invalid);
  // zoned against zoned (any zones), dates and Date literals compare as instants
  assert.deepEqual(Array.from(predicateMask(b, col("z").eq(col("y")))), [1, 0]);
  assert.deepEqual(Array.from(predicateMask(b, col("z").eq(col("day")))), [1, 0]);
  assert.deepEqual(Array.from(predicateMask(b, col("z").le(new Date(0)))), [1, 0]);
  // an instant plus a duration keeps its zone
  const sum = computeColumn(b, col("z").add(col("d")));
  assert.equal(sum.type.typeId, Type.Timestamp);
  assert.equal((sum.type as ReturnType<typeof timestamp>).timezone, "UTC");
  // ...and compares with zoned columns: row 1 is 1000 ns + 1 us
  assert.deepEqual(Array.from(predicateMask(b, col("z").add(col("d")).eq(col("z")))), [1, 0]);
});

Deno.test("exact: scale-0 decimals stay decimals; decimal256 operands give decimal256 (pyarrow)", async () => {
  const big = "1" + "0".repeat(45);
  const b = RecordBatch.fromColumns({
    d: columnFromValues(
      ["10000000000000000000", "-99999999999999999999999999999", null],
      decimal128(30, 0),
    ),
    i: columnFromValues([9_223_372_036_854_775_807n, 3n, 1n], int64()),
    w: columnFromValues([`${big}.5`, "-0.0000000001", "2"], decimal256(60, 10)),
    s: columnFromValues(["1.25", "-9999999.99", null], decimal32(9, 2)),
  });
  const cases: Array<[Expr, string]> = [
    [col("d").add(col("d")), `pc.add(t["d"], t["d"])`],
    [
      col("d").mul(col("i")),
      `pc.multiply(t["d"].cast(pa.decimal256(30, 0)), t["i"].cast(pa.decimal256(19, 0)))`,
    ],
    [col("d").sub(1), `pc.subtract(t["d"], pa.scalar(1, pa.decimal128(1, 0)))`],
    [col("w").add(col("s")), `pc.add(t["w"], t["s"].cast(pa.decimal256(9, 2)))`],
    [col("w").sub(col("d")), `pc.subtract(t["w"], t["d"].cast(pa.decimal256(30, 0)))`],
    [col("w").mul(col("s")), `pc.multiply(t["w"], t["s"].cast(pa.decimal256(9, 2)))`],
  ];
  const out = await python(
    `import sys, json, pyarrow as pa, pyarrow.compute as pc
t = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all()
for e in ${JSON.stringify(cases.map((c) => c[1]))}:
    r = eval(e)
    print(json.dumps([None if v is None else str(v) for v in r.to_pylist()]))`,
    writeIpcStream(b),
  );
  const want = new TextDecoder().decode(out).trim().split("\n").map((l) => JSON.parse(l));
  cases.forEach(([expr], k) => {
    const c = computeColumn(b, expr);
    const t = c.type as ReturnType<typeof decimal256>;
    assert.equal(t.typeId, Type.Decimal, String(expr));
    assert.equal(t.bitWidth, k >= 3 ? 256 : 128, String(expr));
    const got = Array.from({ length: c.length }, (_, i) => {
      const v = c.get(i) as bigint | null;
      return v === null ? null : decimalString(v, t.scale);
    });
    // compare as numbers written out in full (str(Decimal) may use an exponent)
    const norm = (s: string | null) => s === null ? null : decimalString(...parseDecimal(s));
    assert.deepEqual(got.map(norm), want[k].map(norm), String(expr));
  });
});

/** A decimal string (plain or with an exponent) as unscaled bigint and scale. */
function parseDecimal(s: string): [bigint, number] {
  const [mant, exp = "0"] = s.toUpperCase().split("E");
  const [ip, fp = ""] = mant.split(".");
  let scale = fp.length - Number(exp);
  let v = BigInt(ip + fp);
  if (scale < 0) {
    v *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return [v, scale];
}

Deno.test("exact: 8- to 32-bit integers next to int64 or decimals are exact too (duckdb)", async () => {
  const b = RecordBatch.fromColumns({
    rid: columnFromValues([0, 1, 2, 3], int32()),
    i: columnFromValues([1, -1, 2_147_483_647, null], int32()),
    s: columnFromValues([1, -3, 32_767, 0], int16()),
    w: columnFromValues([4_294_967_295, 0, 1, 2], uint32()),
    x: columnFromValues([P53 + 1n, -1n, 2_147_483_647n, 5n], int64()),
    u: columnFromValues([4_294_967_295n, 2n ** 64n - 1n, 1n, 2n], uint64()),
    d: columnFromValues(
      ["1.00000000000000000001", "-1", "2147483647.5", "0"],
      decimal128(38, 20),
    ),
    k: columnFromValues([1, -1, 1, 7], dictionary(int32(), int16())),
  });
  const cases: Case[] = [
    { expr: col("i").add(col("x")), sql: "i + x", values: true },
    { expr: col("x").mul(col("i")), sql: "x * i", values: true },
    { expr: col("x").sub(col("s")), sql: "x - s", values: true },
    { expr: col("w").add(col("u")), sql: "w + u", values: true },
    { expr: col("d").add(col("i")), sql: "d + i", values: true },
    { expr: col("d").eq(col("i")), sql: "d = i" },
    { expr: col("d").gt(col("i")), sql: "d > i" },
    { expr: col("i").lt(col("d")), sql: "i < d" },
    { expr: col("x").add(col("i")).gt(col("x")), sql: "x + i > x" },
    // dictionary-encoded integers too
    { expr: col("x").add(col("k")), sql: "x + k", values: true },
    { expr: col("d").eq(col("k")), sql: "d = k" },
  ];
  const ref = await reference(b, cases);
  cases.forEach((c, k) => {
    assert.ok(ref[k].values, `${c.expr}: ${ref[k].error}`);
    const want = c.values ? ref[k].values! : ref[k].values!.map((v) => (v === "1" ? "1" : "0"));
    assert.deepEqual(ours(b, c), want, String(c.expr));
  });
});

Deno.test("exact: arithmetic on 8- to 32-bit integers is int64, exact past 2^53 (duckdb)", async () => {
  const I32_MAX = 2_147_483_647, I32_MIN = -2_147_483_648, SQ = 94_906_267n * 94_906_267n;
  const b = RecordBatch.fromColumns({
    rid: columnFromValues([0, 1, 2, 3, 4, 5], int32()),
    i: columnFromValues([I32_MAX, I32_MIN, 94_906_267, null, -3, I32_MAX], int32()),
    j: columnFromValues([I32_MAX, I32_MAX, 94_906_267, 5, 7, I32_MIN], int32()),
    w: columnFromValues([4_294_967_295, 4_294_967_295, 0, 1, 2, 3], uint32()),
    y: columnFromValues([4_294_967_295, 4_294_967_294, 0, 1, 3, 3], uint32()),
    s: columnFromValues([127, -128, 1, 2, 3, 4], int8()),
    v: columnFromValues([255, 255, 0, 1, 2, 3], uint8()),
  });
  const cases: Case[] = [
    // 94906267^2 is odd and past 2^53: float64 rounds it
    { expr: col("i").mul(col("j")), sql: "i::BIGINT * j", values: true },
    { expr: col("i").mul(col("j")).add(1), sql: "i::BIGINT * j + 1", values: true },
    { expr: col("i").mul(col("j")).sub(col("j")), sql: "i::BIGINT * j - j", values: true },
    { expr: col("w").mul(col("y")), sql: "w::UBIGINT * y", values: true },
    { expr: col("i").mul(3_037_000_499), sql: "i::BIGINT * 3037000499", values: true },
    { expr: col("i").mul(2n ** 32n), sql: "i::BIGINT * 4294967296", values: true },
    { expr: col("i").add(2n ** 60n + 1n), sql: `i::BIGINT + ${2n ** 60n + 1n}`, values: true },
    { expr: col("w").sub(-(2n ** 60n)), sql: `w::BIGINT + ${2n ** 60n}`, values: true },
    { expr: col("s").add(col("v")), sql: "s::BIGINT + v", values: true },
    { expr: col("i").add(col("j")).neg(), sql: "-(i::BIGINT + j)", values: true },
    { expr: col("i").mul(col("j")).abs(), sql: "abs(i::BIGINT * j)", values: true },
    { expr: col("i").mul(col("j")).gt(lit(SQ - 1n)), sql: `i::BIGINT * j > ${SQ - 1n}` },
    { expr: col("i").mul(col("j")).eq(lit(SQ)), sql: `i::BIGINT * j = ${SQ}` },
    { expr: col("i").mul(col("j")).eq(lit(SQ + 1n)), sql: `i::BIGINT * j = ${SQ + 1n}` },
    { expr: col("i").mul(col("j")).eq(col("i").mul(col("j")).add(1)), sql: "false" },
  ];
  const ref = await reference(b, cases);
  cases.forEach((c, k) => {
    assert.ok(ref[k].values, `${c.expr}: ${ref[k].error}`);
    const want = c.values ? ref[k].values! : ref[k].values!.map((v) => (v === "1" ? "1" : "0"));
    assert.deepEqual(ours(b, c), want, String(c.expr));
  });
  // the result type is int64 (uint64 when every column is unsigned), small or not
  assert.equal(computeColumn(b, col("s").add(1)).type.typeId, Type.Int);
  assert.deepEqual(computeColumn(b, col("s").add(col("s"))).type, int64());
  assert.deepEqual(computeColumn(b, col("v").add(col("v"))).type, uint64());
  assert.deepEqual(computeColumn(b, col("i").mul(col("j"))).type, int64());
  // division and fractions stay float64, as in pyarrow
  assert.deepEqual(computeColumn(b, col("i").div(col("j"))).type, float64());
  assert.deepEqual(computeColumn(b, col("i").mul(0.5)).type, float64());
  // past int64: an overflow error, as duckdb and pyarrow's checked kernels; never a float
  const invalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";
  const over = await reference(b, [{ expr: lit(0), sql: "i::BIGINT * j * j" }]);
  assert.match(over[0].error ?? "", /Overflow|Out of Range/i);
  assert.throws(() => computeColumn(b, col("i").mul(col("j")).mul(col("j"))), invalid);
  assert.throws(() => computeColumn(b, col("w").sub(col("y"))), invalid); // 0 - 0 ok, 2 - 3 not
  assert.throws(() => computeColumn(b, col("w").neg()), invalid);
});

Deno.test("exact: bigint literals are never rounded to float64", () => {
  const b = RecordBatch.fromColumns({
    f: new Float64Array([2 ** 53, 2 ** 53 + 2, NaN, Infinity, -(2 ** 53), 1.5]),
  });
  const mask = (e: Expr) => Array.from(predicateMask(b, e));
  // 2^53 + 1 lies between 2^53 and 2^53 + 2
  assert.deepEqual(mask(col("f").eq(lit(P53 + 1n))), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(mask(col("f").ne(lit(P53 + 1n))), [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(mask(col("f").lt(lit(P53 + 1n))), [1, 0, 0, 0, 1, 1]);
  assert.deepEqual(mask(col("f").ge(lit(P53 + 1n))), [0, 1, 0, 1, 0, 0]);
  assert.deepEqual(mask(col("f").gt(lit(-P53 - 1n))), [1, 1, 0, 1, 1, 1]);
  assert.deepEqual(mask(col("f").le(lit(2n ** 1100n))), [1, 1, 0, 0, 1, 1]);
  assert.deepEqual(mask(col("f").eq(lit(P53))), [1, 0, 0, 0, 0, 0]);
  // constants fold exactly, and a bigint constant column is int64
  assert.equal(predicateMask(b, lit(P53 + 1n).eq(2 ** 53))[0], 0);
  assert.equal(predicateMask(b, lit(2 ** 53).lt(lit(P53 + 1n)))[0], 1);
  assert.equal(computeColumn(b, lit(P53).add(1n)).get(0), P53 + 1n);
  assert.equal(computeColumn(b, lit(P53).mul(3)).get(0), 3n * P53);
  assert.deepEqual(computeColumn(b, lit(2n ** 64n - 1n)).type, uint64());
  assert.throws(
    () => computeColumn(b, lit(2n ** 64n)),
    (e: unknown) => e instanceof ArrowError && e.code === "invalid",
  );
});

Deno.test("exact: time - time is a duration in the finer unit (pyarrow)", async () => {
  const b = RecordBatch.fromColumns({
    rid: columnFromValues([0, 1, 2, 3], int32()),
    s: columnFromValues([3600, 5, 86_399, null], time(TimeUnit.SECOND)),
    m: columnFromValues([1000, 86_399_999, 0, 7], time(TimeUnit.MILLISECOND)),
    u: columnFromValues([1n, 2_000_000n, 86_399_999_999n, 5n], time(TimeUnit.MICROSECOND)),
    n: columnFromValues([1n, 2n, 86_399_999_999_999n, 5n], time(TimeUnit.NANOSECOND)),
  });
  const cases: Case[] = [
    { expr: col("s").sub(col("s")), pc: "pc.subtract(t['s'], t['s'])", values: true },
    { expr: col("s").sub(col("u")), pc: "pc.subtract(t['s'], t['u'])", values: true },
    { expr: col("m").sub(col("s")), pc: "pc.subtract(t['m'], t['s'])", values: true },
    { expr: col("u").sub(col("n")), pc: "pc.subtract(t['u'], t['n'])", values: true },
  ];
  const ref = await reference(b, cases);
  cases.forEach((c, k) => {
    assert.ok(ref[k].values, `${c.expr}: ${ref[k].error}`);
    assert.deepEqual(ours(b, c), ref[k].values, String(c.expr));
  });
  assert.deepEqual(computeColumn(b, col("s").sub(col("u"))).type, duration(TimeUnit.MICROSECOND));
  assert.deepEqual(computeColumn(b, col("s").sub(col("s"))).type, duration(TimeUnit.SECOND));
  // a duration compares with it; time + time and time - number are refused
  assert.deepEqual(
    Array.from(predicateMask(b, col("m").sub(col("s")).gt(col("s").sub(col("s"))))),
    [0, 1, 0, 0],
  );
  const invalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";
  assert.throws(() => computeColumn(b, col("s").add(col("s"))), invalid);
  assert.throws(() => computeColumn(b, col("s").sub(5)), invalid);
});
