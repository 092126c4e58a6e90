// A bounded least-recently-used map with per-entry expiry, for verified API key lookups.
// A Map keeps insertion order: a hit moves the entry to the end, eviction takes the first.
// Recency is kept to a second: a hit moves its entry at most once a second, so a hot key costs
// one Map lookup instead of a delete and an insert per request.

/** How stale an entry's position may get before a hit moves it to the end, in ms. */
const RECENCY_MS = 1000;

interface Slot<V> {
  value: V;
  until: number;
  /** When the entry was last moved to the end. */
  moved: number;
}

export class ExpiringLru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, Slot<V>>();

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The value of `key` if present and not expired at `now`. */
  get(key: K, now: number): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    if (now >= slot.until) {
      this.#map.delete(key);
      return undefined;
    }
    if (now - slot.moved >= RECENCY_MS || now < slot.moved) {
      slot.moved = now;
      this.#map.delete(key);
      this.#map.set(key, slot);
    }
    return slot.value;
  }

  set(key: K, value: V, until: number): void {
    if (this.#max <= 0) return;
    this.#map.delete(key);
    if (this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, { value, until, moved: -Infinity });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
