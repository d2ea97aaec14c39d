interface Delivered {
  /** Decimal string without leading zeros, so offsets compare by length, then as text. */
  readonly offset: string;
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
  // Offsets are tracked in increasing order, so the entries stay sorted: an ack finds its
  // entry by binary search, and no per-offset map or BigInt is needed on the per-record path.
  readonly #entries: Delivered[] = [];
  #head = 0;
  /** Index of the entry found last: acks mostly come in order, so the next is tried first. */
  #cursor = -1;
  /** The last tracked offset (or one before the reset point), as a canonical decimal. */
  #lastTracked: string | undefined;
  #pendingCount = 0;
  #committed = -1n;
  /** First offset tracked since start or reset: nothing at or below it counts as progress. */
  #floor: bigint | undefined;
  #pendingBytes = 0;
  #received = 0;

  /** The partition's high watermark at the last fetch. */
  highWatermark: string | undefined;

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
    return this.#lastTracked === undefined ? undefined : String(BigInt(this.#lastTracked) + 1n);
  }

  /** Messages delivered and not yet processed. */
  get pendingCount(): number {
    return this.#pendingCount;
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
    if (this.#lastTracked !== undefined && compareOffsets(offset, this.#lastTracked) <= 0) {
      return false;
    }
    this.#floor ??= BigInt(offset);
    this.#entries.push({ offset, bytes, deliveredAtMs: nowMs, done: false });
    this.#lastTracked = offset;
    this.#pendingCount += 1;
    this.#pendingBytes += bytes;
    this.#received += 1;
    return true;
  }

  /** Marks an offset processed; false when it was not pending. */
  ack(offset: string): boolean {
    const entry = this.#find(offset);
    if (!entry || entry.done) return false;
    entry.done = true;
    this.#pendingCount -= 1;
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
        ? BigInt((this.#entries[this.#head] as Delivered).offset)
        : BigInt(this.#lastTracked ?? -1) + 1n;
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
    this.#head = 0;
    this.#cursor = -1;
    this.#pendingCount = 0;
    this.#pendingBytes = 0;
    const next = BigInt(offset);
    this.#lastTracked = next > 0n ? String(next - 1n) : undefined;
    this.#committed = -1n;
    this.#floor = undefined;
  }

  /** The entry of an offset at or after the head, by binary search. */
  #find(offset: string): Delivered | undefined {
    const entries = this.#entries;
    let low = this.#head;
    let high = entries.length - 1;
    // Acks mostly come in order: try the entry after the last one found, then the oldest.
    const next = Math.max(this.#cursor + 1, low);
    if (next <= high && (entries[next] as Delivered).offset === offset) {
      this.#cursor = next;
      return entries[next];
    }
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const entry = entries[middle] as Delivered;
      const order = compareOffsets(entry.offset, offset);
      if (order === 0) {
        this.#cursor = middle;
        return entry;
      }
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  #compact(): void {
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#cursor = Math.max(-1, this.#cursor - this.#head);
      this.#head = 0;
    }
  }
}

/** Orders two canonical decimal offsets (no sign, no leading zeros) without parsing them. */
function compareOffsets(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
