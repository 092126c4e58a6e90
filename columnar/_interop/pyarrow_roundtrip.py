"""pyarrow side of columnar/ipc/interop_pyarrow_test.ts.

    python pyarrow_roundtrip.py make DIR   write py.*.arrow(s) (every codec, a slice, an empty and
                                           a zero-column table, unions in metadata V4) and
                                           py.json (expected values)
    python pyarrow_roundtrip.py check DIR  read every ours.*.arrow(s) with pyarrow, validate it
                                           fully, dump its values to <file>.json and write it
                                           again with pyarrow to <file>.py.arrows

Values are normalized the same way on both sides: integers and decimals (unscaled) as strings,
bytes as hex, month-day-nano as [months, days, "ns"], maps as [key, value] pairs.
"""
import decimal
import json
import os
import sys

import pyarrow as pa
import pyarrow.ipc as ipc

CODECS = {"plain": None, "lz4": "lz4", "zstd": "zstd"}
# exact unscaled decimal256 values (the default context rounds to 28 digits)
decimal.getcontext().prec = 100


def norm(v, t):
    if v is None:
        return None
    if pa.types.is_dictionary(t):
        return norm(v, t.value_type)
    if pa.types.is_run_end_encoded(t):
        return norm(v, t.value_type)
    if pa.types.is_union(t):
        for f in t:  # to_pylist gives the child's value; normalize by its Python kind
            pass
        return norm_any(v)
    if pa.types.is_map(t):
        return [[norm(k, t.key_type), norm(x, t.item_type)] for k, x in v]
    if pa.types.is_struct(t):
        return {f.name: norm(v[f.name], f.type) for f in t}
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t) \
            or pa.types.is_large_list_view(t) or pa.types.is_fixed_size_list(t):
        return [norm(x, t.value_type) for x in v]
    if pa.types.is_decimal(t):
        return str(int(v.scaleb(t.scale)))
    return norm_any(v)


def norm_any(v):
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else v
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, pa.MonthDayNano):
        return [str(v.months), str(v.days), str(v.nanoseconds)]
    if isinstance(v, decimal.Decimal):
        raise TypeError("decimal outside a decimal column")
    return v


def dump(table):
    out = {"rows": table.num_rows, "columns": {}}
    for f in table.schema:
        try:
            values = table.column(f.name).to_pylist()
        except KeyError:
            # pyarrow's Python layer has no array class for month and day-time intervals
            out["columns"][f.name] = None
            continue
        out["columns"][f.name] = [norm(v, f.type) for v in values]
    return out


def make_table():
    n = 7
    ints = [1, None, -3, 2**31 - 1, 0, 5, -(2**31)]
    strs = ["a", None, "a string longer than twelve", "", "ψ ünïcødé text here", "b", "ab"]
    d = decimal.Decimal
    cols = {
        "dec32": pa.array([d("1.25"), None, d("-9999999.99"), d("0"), d("3.5"), d("-0.01"), d("7")],
                          pa.decimal32(9, 2)),
        "dec64": pa.array([d("1.125"), d("-999999999999999.999"), None, d("0"), d("2"), d("3"), d("4")],
                          pa.decimal64(18, 3)),
        "dec128": pa.array([d("1"), None, d("-1" + "0" * 37), d("5"), d("6"), d("7"), d("8")],
                           pa.decimal128(38, 0)),
        "dec256": pa.array([d("1.5"), d("-" + "9" * 70 + ".5"), None, d("0"), d("1"), d("2"), d("3")],
                           pa.decimal256(76, 5)),
        "mdn": pa.array([pa.MonthDayNano([1, 2, 3]), None, pa.MonthDayNano([-1, -2, -(2**62)]),
                         pa.MonthDayNano([0, 0, 0]), pa.MonthDayNano([12, 31, 10**12]),
                         pa.MonthDayNano([2**31 - 1, -(2**31), 2**63 - 1]), None],
                        pa.month_day_nano_interval()),
        "string_view": pa.array(strs, pa.string_view()),
        "binary_view": pa.array([s.encode() if s is not None else None for s in strs], pa.binary_view()),
        "list_view": pa.ListViewArray.from_arrays(
            pa.array([0, 2, 1, 0, 5, 3, 6], pa.int32()), pa.array([2, 0, 3, 0, 1, 2, 1], pa.int32()),
            pa.array(ints), mask=pa.array([False, True, False, False, False, False, False])),
        "large_list_view": pa.array([["x"], None, [], ["y", None, "z"], ["w"], [], ["v"]],
                                    pa.large_list_view(pa.string())),
        "sparse_union": pa.UnionArray.from_sparse(
            pa.array([0, 1, 0, 1, 0, 0, 1], pa.int8()),
            [pa.array(ints), pa.array(strs)], ["i", "s"]),
        "dense_union": pa.UnionArray.from_dense(
            pa.array([0, 1, 1, 0, 0, 1, 0], pa.int8()),
            pa.array([0, 0, 1, 1, 2, 2, 3], pa.int32()),
            [pa.array([5, None, 7, 8]), pa.array(["p", None, "q"])], ["i", "s"]),
        "map": pa.array([[("a", 1), ("b", None)], None, [], [("c", 3)], [("d", 4), ("e", 5)], [], [("f", 6)]],
                        pa.map_(pa.string(), pa.int32())),
        "ree": pa.RunEndEncodedArray.from_arrays(pa.array([2, 3, 6, 7], pa.int32()),
                                                 pa.array(["x", None, "y", "z"])),
        "ree64": pa.RunEndEncodedArray.from_arrays(pa.array([4, 7], pa.int64()),
                                                   pa.array([1.5, None], pa.float64())),
        "dict": pa.array(strs).dictionary_encode(),
    }
    return pa.table(cols)


def write(path, table, codec, stream, version=ipc.MetadataVersion.V5):
    opts = ipc.IpcWriteOptions(compression=codec, metadata_version=version)
    sink = pa.OSFile(path, "wb")
    w = (ipc.new_stream if stream else ipc.new_file)(sink, table.schema, options=opts)
    w.write_table(table)
    w.close()
    sink.close()


def read(path):
    if path.endswith(".arrows"):
        return ipc.open_stream(pa.OSFile(path)).read_all()
    return ipc.open_file(pa.OSFile(path)).read_all()


def make(out):
    table = make_table()
    cases = {"full": table, "slice": table.slice(2, 4), "empty": table.slice(0, 0),
             "nocols": table.select([])}
    # metadata V4 (pre-1.0 writers) still gave unions a validity buffer slot
    cases["v4"] = table.select(["sparse_union", "dense_union", "dec128", "map"])
    expected = {}
    for name, t in cases.items():
        expected[name] = dump(t)
        version = ipc.MetadataVersion.V4 if name == "v4" else ipc.MetadataVersion.V5
        for label, codec in CODECS.items():
            write(os.path.join(out, f"py.{name}.{label}.arrows"), t, codec, True, version)
            write(os.path.join(out, f"py.{name}.{label}.arrow"), t, codec, False, version)
    with open(os.path.join(out, "py.json"), "w") as f:
        json.dump(expected, f)


def check(out):
    for name in sorted(os.listdir(out)):
        if not name.startswith("ours.") or not name.endswith((".arrow", ".arrows")):
            continue
        path = os.path.join(out, name)
        table = read(path)
        table.validate(full=True)
        with open(path + ".json", "w") as f:
            json.dump(dump(table), f)
        write(path + ".py.arrows", table, "zstd", True)


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
