/**
 * `RegionRegistry`: the regions an app is deployed in, which countries each serves, the
 * fallback order between them, and which one this instance is.
 *
 * @module
 */

import { ConfigurationError } from "../../http/config_error.ts";
import { CONTINENT_OF, CONTINENTS } from "./_continents.ts";

/** One deployment region. */
export interface Region {
  /** Region id, e.g. `br-saopaulo-1`: lowercase letters, digits and `-`. */
  id: string;
  /** Public origin of the region, e.g. `https://br-saopaulo-1.api.example.com`. */
  origin: string;
  /** ISO 3166-1 alpha-2 countries this region serves first, e.g. `["BR", "AR"]`. */
  countries?: readonly string[];
  /** Continents this region serves when no region lists the country: AF AN AS EU NA OC SA. */
  continents?: readonly string[];
  /** The primary region: writes go here. Exactly one region is primary (default: the first). */
  primary?: boolean;
  /**
   * Platform names of this region, e.g. Fly's `gru` or a Cloudflare colo `GRU`: used to
   * recognise the current region from `FLY_REGION`/`cf.colo`, a `Fly-Region` request header, and
   * as the `fly-replay` target (the first alias).
   */
  aliases?: readonly string[];
}

/** A region as the registry holds it: validated, origin normalised. */
export interface RegisteredRegion {
  /** Region id. */
  readonly id: string;
  /** Origin without a trailing slash, e.g. `https://sp.example.com`. */
  readonly origin: string;
  /** Countries, uppercase. */
  readonly countries: readonly string[];
  /** Continents, uppercase. */
  readonly continents: readonly string[];
  /** Whether this is the primary region. */
  readonly primary: boolean;
  /** Platform aliases, lowercase. */
  readonly aliases: readonly string[];
}

/**
 * The error of an invalid region configuration: a {@link ConfigurationError} with region codes.
 *
 * @example
 * ```ts
 * import { ConfigurationError, RegionConfigError } from "@avila/avx-http/middleware";
 * const e = new RegionConfigError("no_regions", "give at least one region");
 * console.log(e instanceof ConfigurationError, e.code); // true "no_regions"
 * ```
 */
export class RegionConfigError extends ConfigurationError<
  | "invalid_region"
  | "duplicate_region"
  | "no_regions"
  | "primary"
> {
  /**
   * Creates the error.
   *
   * @param code what is wrong
   * @param message details
   */
  constructor(code: RegionConfigError["code"], message: string) {
    super(code, message);
    this.name = "RegionConfigError";
  }
}

/** Region ids: what `X-AVL-Region` and hop headers may carry. */
export const REGION_ID: RegExp = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const COUNTRY = /^[A-Z]{2}$/;

function defaultEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

export type CfProperties = NonNullable<Parameters<RegionRegistry["currentRegion"]>[0]>;

/**
 * The regions of an app: lookup by id and alias, by country (then continent), fallback order
 * and the primary.
 *
 * Order for a country: regions listing the country (in declaration order), then regions
 * listing the country's continent, then the primary, then every other region in declaration
 * order. Unknown countries get the primary first.
 *
 * @example
 * ```ts
 * import { RegionRegistry } from "@avila/avx-http/middleware";
 * const regions = new RegionRegistry([
 *   { id: "us-east-1", origin: "https://us.example.com", countries: ["US"], continents: ["NA"], primary: true },
 *   { id: "br-saopaulo-1", origin: "https://br.example.com", countries: ["BR"], continents: ["SA"] },
 *   { id: "eu-frankfurt-1", origin: "https://eu.example.com", continents: ["EU", "AF"] },
 * ], { current: "us-east-1" });
 * console.log(regions.forCountry("AR").map((r) => r.id)); // ["br-saopaulo-1", "us-east-1", "eu-frankfurt-1"]
 * console.log(regions.primary().id); // "us-east-1"
 * ```
 */
export class RegionRegistry {
  /** Every region, in declaration order. */
  readonly regions: readonly RegisteredRegion[];
  readonly #byId = new Map<string, RegisteredRegion>();
  readonly #byAlias = new Map<string, RegisteredRegion>();
  readonly #primary: RegisteredRegion;
  readonly #orderCache = new Map<string, readonly RegisteredRegion[]>();
  readonly #configured?: string;
  readonly #env: (name: string) => string | undefined;
  #fromEnv: RegisteredRegion | null | undefined;

  /**
   * Validates the regions.
   *
   * @param regions at least one region
   * @param options how this instance finds its own region
   * @throws {RegionConfigError} for an empty list, a bad id, origin, country or continent, a
   * duplicate id or alias, more than one primary, or an unknown `current`
   */
  constructor(regions: readonly Region[], options: {
    /** This instance's region id, when configured explicitly (wins over the environment). */
    current?: string;
    /**
     * Reads an environment variable; default `Deno.env.get` guarded for missing permission.
     * `AVL_REGION` (a region id or alias) and then `FLY_REGION` (an alias) name the current region.
     */
    env?: (name: string) => string | undefined;
  } = {}) {
    if (regions.length === 0) throw new RegionConfigError("no_regions", "no regions configured");
    const out: RegisteredRegion[] = [];
    for (const r of regions) {
      if (!REGION_ID.test(r.id)) {
        throw new RegionConfigError("invalid_region", `invalid region id: ${JSON.stringify(r.id)}`);
      }
      if (this.#byId.has(r.id)) {
        throw new RegionConfigError("duplicate_region", `region ${r.id} is declared twice`);
      }
      let url: URL;
      try {
        url = new URL(r.origin);
      } catch {
        throw new RegionConfigError("invalid_region", `region ${r.id}: invalid origin`);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin === "null") {
        throw new RegionConfigError("invalid_region", `region ${r.id}: origin must be http(s)`);
      }
      const countries = (r.countries ?? []).map((c) => c.toUpperCase());
      for (const c of countries) {
        if (!COUNTRY.test(c)) {
          throw new RegionConfigError("invalid_region", `region ${r.id}: bad country ${c}`);
        }
      }
      const continents = (r.continents ?? []).map((c) => c.toUpperCase());
      for (const c of continents) {
        if (!CONTINENTS.has(c)) {
          throw new RegionConfigError("invalid_region", `region ${r.id}: bad continent ${c}`);
        }
      }
      const reg: RegisteredRegion = Object.freeze({
        id: r.id,
        // The path of a configured origin is kept: a region may live under a prefix.
        origin: (url.origin + url.pathname).replace(/\/+$/, ""),
        countries,
        continents,
        primary: r.primary === true,
        aliases: (r.aliases ?? []).map((a) => a.toLowerCase()),
      });
      this.#byId.set(reg.id, reg);
      out.push(reg);
    }
    for (const reg of out) {
      for (const a of reg.aliases) {
        const other = this.#byAlias.get(a) ?? this.#byId.get(a);
        if (other !== undefined && other !== reg) {
          throw new RegionConfigError("duplicate_region", `alias ${a} names two regions`);
        }
        this.#byAlias.set(a, reg);
      }
    }
    const primaries = out.filter((r) => r.primary);
    if (primaries.length > 1) {
      throw new RegionConfigError(
        "primary",
        `more than one primary region: ${primaries.map((r) => r.id)}`,
      );
    }
    this.#primary = primaries[0] ?? out[0];
    if (primaries.length === 0) {
      out[0] = Object.freeze({ ...out[0], primary: true });
      this.#byId.set(out[0].id, out[0]);
      this.#primary = out[0];
    }
    this.regions = Object.freeze(out);
    if (options.current !== undefined && this.resolve(options.current) === undefined) {
      throw new RegionConfigError(
        "invalid_region",
        `current region ${options.current} is not configured`,
      );
    }
    this.#configured = options.current;
    this.#env = options.env ?? defaultEnv;
  }

  /** The region of an id, if configured. */
  get(id: string): RegisteredRegion | undefined {
    return this.#byId.get(id);
  }

  /** The region of an id or a platform alias (case-insensitive alias). */
  resolve(idOrAlias: string): RegisteredRegion | undefined {
    return this.#byId.get(idOrAlias) ?? this.#byAlias.get(idOrAlias.toLowerCase());
  }

  /** The primary region (writes go there). */
  primary(): RegisteredRegion {
    return this.#primary;
  }

  /** The continent of a country in the built-in table (`"SA"` for `"BR"`), if known. */
  continentOf(country: string): string | undefined {
    return CONTINENT_OF.get(country.toUpperCase());
  }

  /**
   * Every region ordered by preference for a client in `country` (see the class docs); the
   * primary first, then declaration order, for an unknown or absent country.
   */
  forCountry(country: string | undefined): readonly RegisteredRegion[] {
    const key = country !== undefined && COUNTRY.test(country.toUpperCase())
      ? country.toUpperCase()
      : "";
    let order = this.#orderCache.get(key);
    if (order !== undefined) return order;
    const continent = key ? CONTINENT_OF.get(key) : undefined;
    const ranked: RegisteredRegion[] = [];
    const add = (r: RegisteredRegion) => {
      if (!ranked.includes(r)) ranked.push(r);
    };
    if (key) { for (const r of this.regions) if (r.countries.includes(key)) add(r); }
    if (continent) { for (const r of this.regions) if (r.continents.includes(continent)) add(r); }
    add(this.#primary);
    for (const r of this.regions) add(r);
    order = Object.freeze(ranked);
    // Bounded: at most one entry per valid country code (26 * 26) plus "".
    this.#orderCache.set(key, order);
    return order;
  }

  /** The preferred region for a client in `country`. */
  nearest(country: string | undefined): RegisteredRegion {
    return this.forCountry(country)[0];
  }

  /**
   * This instance's region: the configured `current`, else `AVL_REGION` (id or alias), else
   * `FLY_REGION` (alias), else the Workers `cf.colo` of the request (alias); `undefined` when
   * none names a configured region (an edge router that belongs to no region).
   */
  currentRegion(cf?: {
    /** Visitor's country (ISO alpha-2, `XX` unknown, `T1` Tor). */
    country?: string;
    /** IATA code of the Cloudflare data centre that received the request. */
    colo?: string;
  }): RegisteredRegion | undefined {
    if (this.#configured !== undefined) return this.resolve(this.#configured);
    if (this.#fromEnv === undefined) {
      const avl = this.#env("AVL_REGION");
      const fly = this.#env("FLY_REGION");
      this.#fromEnv = (avl ? this.resolve(avl) : undefined) ??
        (fly ? this.#byAlias.get(fly.toLowerCase()) : undefined) ?? null;
    }
    if (this.#fromEnv !== null) return this.#fromEnv;
    const colo = cf?.colo;
    return typeof colo === "string" ? this.#byAlias.get(colo.toLowerCase()) : undefined;
  }
}
