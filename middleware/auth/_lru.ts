// A bounded least-recently-used map with per-entry expiry, for verified API key lookups.
// A Map keeps insertion order: a hit moves the entry to the end, eviction takes the first.

interface Slot<V> {
  value: V;
  until: number;
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
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.value;
  }

  set(key: K, value: V, until: number): void {
    if (this.#max <= 0) return;
    this.#map.delete(key);
    if (this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, { value, until });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
