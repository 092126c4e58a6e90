/**
 * Picks the builder for a data type.
 *
 * @module
 */

import { type DataType, Type } from "../types.ts";
import { BigIntBuilder } from "./bigint.ts";
import { BinaryBuilder, FixedSizeBinaryBuilder } from "./binary.ts";
import { BoolBuilder } from "./bool.ts";
import type { Builder, BuilderOptions } from "./builder.ts";
import { DecimalBuilder } from "./decimal.ts";
import { DictionaryBuilder } from "./dictionary.ts";
import { IntervalBuilder } from "./interval.ts";
import { FixedSizeListBuilder, ListBuilder } from "./list.ts";
import { ListViewBuilder } from "./list_view.ts";
import { MapBuilder } from "./map.ts";
import { NullBuilder } from "./null.ts";
import { NumberBuilder } from "./number.ts";
import { RunEndEncodedBuilder } from "./run_end.ts";
import { StructBuilder } from "./struct.ts";
import { TemporalBuilder } from "./temporal.ts";
import { UnionBuilder } from "./union.ts";
import { Utf8Builder } from "./utf8.ts";

/**
 * A new, empty builder for `type`; `options.overflow` applies to integer and temporal types.
 *
 * @example
 * ```ts
 * import { makeBuilder, types } from "@avila/arrow";
 * const b = makeBuilder(types.list(types.utf8()));
 * b.append(["a", "b"]);
 * console.log(b.finish().get(0)); // [ "a", "b" ]
 * ```
 */
export function makeBuilder(type: DataType, options?: BuilderOptions): Builder {
  switch (type.typeId) {
    case Type.Null:
      return new NullBuilder() as Builder;
    case Type.Bool:
      return new BoolBuilder() as Builder;
    case Type.Int:
      return (type.bitWidth === 64
        ? new BigIntBuilder(type, options)
        : new NumberBuilder(type, options)) as Builder;
    case Type.Float:
      return new NumberBuilder(type) as Builder;
    case Type.Decimal:
      return new DecimalBuilder(type) as Builder;
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return new TemporalBuilder(type, options) as Builder;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return new Utf8Builder(type) as Builder;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return new BinaryBuilder(type) as Builder;
    case Type.Interval:
      return new IntervalBuilder(type) as Builder;
    case Type.ListView:
    case Type.LargeListView:
      return new ListViewBuilder(type) as Builder;
    case Type.Map:
      return new MapBuilder(type);
    case Type.Union:
      return new UnionBuilder(type);
    case Type.RunEndEncoded:
      return new RunEndEncodedBuilder(type);
    case Type.FixedSizeBinary:
      return new FixedSizeBinaryBuilder(type) as Builder;
    case Type.List:
    case Type.LargeList:
      return new ListBuilder(type) as Builder;
    case Type.FixedSizeList:
      return new FixedSizeListBuilder(type) as Builder;
    case Type.Struct:
      return new StructBuilder(type) as Builder;
    case Type.Dictionary:
      return new DictionaryBuilder(type);
  }
}
