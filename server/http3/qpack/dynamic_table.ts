/**
 * The QPACK dynamic table as the decoder keeps it (RFC 9204, Section 3.2): entries in insertion
 * order, each with an absolute index, evicted oldest first to stay within the capacity the
 * encoder set.
 *
 * @module
 */

/**
 * The decoder's copy of the dynamic table. Sizes count a name's and a value's bytes plus 32
 * (Section 3.2.1); strings are byte strings, so a string's length is its size in bytes.
 *
 * @example
 * ```ts
 * import { DynamicTable } from "./dynamic_table.ts";
 * const table = new DynamicTable();
 * table.setCapacity(220);
 * table.insert(":authority", "www.example.com");
 * console.log(table.size, table.insertCount, table.get(0)); // 57 1 [":authority", "www.example.com"]
 * ```
 */
export class DynamicTable {
  // Entries with absolute index `dropped + i` are at `names[head + i]`; the arrays are compacted
  // when half of them is evicted space.
  #names: string[] = [];
  #values: string[] = [];
  #head = 0;
  #dropped = 0;
  #size = 0;
  #capacity = 0;

  /** The sum of the entries' sizes. */
  get size(): number {
    return this.#size;
  }

  /** The capacity the encoder set (0 until it sets one). */
  get capacity(): number {
    return this.#capacity;
  }

  /** How many entries were ever inserted: the Insert Count. */
  get insertCount(): number {
    return this.#dropped + this.#names.length - this.#head;
  }

  /** The absolute index of the oldest entry still in the table. */
  get firstIndex(): number {
    return this.#dropped;
  }

  /** The size of an entry of that name and value. */
  static entrySize(name: string, value: string): number {
    return name.length + value.length + 32;
  }

  /**
   * The entry at absolute index `index`, or `undefined` when it was evicted or not inserted yet.
   */
  get(index: number): [name: string, value: string] | undefined {
    if (index < this.#dropped || index >= this.insertCount) return undefined;
    const i = this.#head + index - this.#dropped;
    return [this.#names[i], this.#values[i]];
  }

  /** The name at absolute index `index`, or `undefined` (see {@link get}). */
  name(index: number): string | undefined {
    if (index < this.#dropped || index >= this.insertCount) return undefined;
    return this.#names[this.#head + index - this.#dropped];
  }

  /** Sets the capacity, evicting entries until the size fits. The caller checks the maximum. */
  setCapacity(capacity: number): void {
    this.#capacity = capacity;
    this.#evictTo(capacity);
  }

  /**
   * Inserts an entry, evicting the oldest until it fits. Returns false (and changes nothing) when
   * the entry alone is larger than the capacity.
   */
  insert(name: string, value: string): boolean {
    const size = DynamicTable.entrySize(name, value);
    if (size > this.#capacity) return false;
    this.#evictTo(this.#capacity - size);
    this.#names.push(name);
    this.#values.push(value);
    this.#size += size;
    return true;
  }

  #evictTo(limit: number): void {
    while (this.#size > limit) {
      this.#size -= DynamicTable.entrySize(this.#names[this.#head], this.#values[this.#head]);
      this.#head++;
      this.#dropped++;
    }
    if (this.#head > 32 && this.#head * 2 > this.#names.length) {
      this.#names = this.#names.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#head = 0;
    }
  }
}
