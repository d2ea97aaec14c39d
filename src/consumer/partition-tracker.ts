interface Delivered {
  readonly offset: bigint;
  readonly bytes: number;
  readonly deliveredAtMs: number;
  done: boolean;
}

const COMPACT_AFTER = 1_024;

/**
 * The offsets of one partition that were handed downstream, and which of them are processed.
 * The commit point is the first delivered offset not yet processed, or one past the last
 * delivered offset when all are processed. Offsets need not be consecutive (transaction
 * markers and compaction leave gaps); only delivered offsets count.
 */
export class PartitionTracker {
  readonly #entries: Delivered[] = [];
  readonly #byOffset = new Map<string, Delivered>();
  #head = 0;
  #lastTracked = -1n;
  #committed = -1n;
  /** First offset tracked since start or reset: nothing at or below it counts as progress. */
  #floor: bigint | undefined;
  #pendingBytes = 0;
  #received = 0;

  /** Messages delivered since this tracker was created. */
  get receivedCount(): number {
    return this.#received;
  }

  /** The last offset committed by this consumer, when it committed any. */
  get committedOffset(): string | undefined {
    return this.#committed < 0n ? undefined : String(this.#committed);
  }

  /** The first offset delivered since start or the last reset. */
  get firstOffset(): string | undefined {
    return this.#floor === undefined ? undefined : String(this.#floor);
  }

  /** One past the last delivered offset: where fetching continues. */
  get position(): string | undefined {
    return this.#lastTracked < 0n ? undefined : String(this.#lastTracked + 1n);
  }

  /** Messages delivered and not yet processed. */
  get pendingCount(): number {
    return this.#byOffset.size;
  }

  /** Bytes of the messages delivered and not yet processed. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Delivery time of the oldest message not yet processed, in ms since the epoch. */
  get oldestPendingAtMs(): number | undefined {
    for (let i = this.#head; i < this.#entries.length; i += 1) {
      const entry = this.#entries[i] as Delivered;
      if (!entry.done) return entry.deliveredAtMs;
    }
    return undefined;
  }

  /** Records that an offset was delivered. Offsets at or below the last tracked are ignored. */
  track(offset: string, bytes: number, nowMs: number): boolean {
    const value = BigInt(offset);
    if (value <= this.#lastTracked) return false;
    const entry: Delivered = { offset: value, bytes, deliveredAtMs: nowMs, done: false };
    this.#floor ??= value;
    this.#entries.push(entry);
    this.#byOffset.set(offset, entry);
    this.#lastTracked = value;
    this.#pendingBytes += bytes;
    this.#received += 1;
    return true;
  }

  /** Marks an offset processed; false when it was not pending. */
  ack(offset: string): boolean {
    const entry = this.#byOffset.get(offset);
    if (!entry) return false;
    entry.done = true;
    this.#byOffset.delete(offset);
    this.#pendingBytes -= entry.bytes;
    return true;
  }

  /** The offset to commit (next to read) when it moved past the last commit, else undefined. */
  committable(): string | undefined {
    while (this.#head < this.#entries.length && (this.#entries[this.#head] as Delivered).done) {
      this.#head += 1;
    }
    const next =
      this.#head < this.#entries.length
        ? (this.#entries[this.#head] as Delivered).offset
        : this.#lastTracked + 1n;
    this.#compact();
    const moved = this.#floor !== undefined && next > this.#floor && next > this.#committed;
    return moved ? String(next) : undefined;
  }

  /** Remembers that `offset` was committed. */
  markCommitted(offset: string): void {
    const value = BigInt(offset);
    if (value > this.#committed) this.#committed = value;
  }

  /**
   * Forgets everything delivered after a seek: pending messages will not be committed, and
   * offsets from `offset` on can be tracked again.
   */
  reset(offset: string): void {
    this.#entries.length = 0;
    this.#byOffset.clear();
    this.#head = 0;
    this.#pendingBytes = 0;
    this.#lastTracked = BigInt(offset) - 1n;
    this.#committed = -1n;
    this.#floor = undefined;
  }

  #compact(): void {
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
