/**
 * Scientific Arrow extension types. Each is plain Arrow storage (a fixed-size list of floats)
 * plus `ARROW:extension:name` / `ARROW:extension:metadata` field metadata, so any Arrow reader
 * sees the storage while avx-http gives typed accessors and fast operations on the flat
 * values:
 *
 * | name                       | storage                          | element              |
 * | -------------------------- | -------------------------------- | -------------------- |
 * | `avila.quaternion`         | `fixed_size_list<float64>[4]`    | (w, x, y, z)         |
 * | `avila.spinor`             | `fixed_size_list<float64>[4]`    | (Re↑, Im↑, Re↓, Im↓) |
 * | `avila.complex64`          | `fixed_size_list<float32>[2]`    | (re, im)             |
 * | `avila.complex128`         | `fixed_size_list<float64>[2]`    | (re, im)             |
 * | `avila.tensor4d`           | `fixed_size_list<float64>[4]`    | (x, y, z, t)         |
 * | `avila.geodesic`           | `fixed_size_list<float64>[4]`    | (r, θ, φ, t) + metric JSON |
 * | `arrow.fixed_shape_tensor` | `fixed_size_list<T>[∏ shape]`    | tensor, `{"shape":[..]}` |
 *
 * A fixed-size list (not a struct) is used so one element's numbers are adjacent and the whole
 * column is one `Float64Array`: constructors wrap it without copying, and the kernels are
 * single loops over it.
 *
 * @module
 */
export * from "./record4.ts";
export * from "./quaternion.ts";
export * from "./complex.ts";
export * from "./spinor.ts";
export * from "./tensor4d.ts";
export * from "./geodesic.ts";
export * from "./fixed_shape_tensor.ts";
export * from "./columns.ts";
