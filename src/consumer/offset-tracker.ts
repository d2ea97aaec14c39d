import type { TopicPartition, TopicPartitionOffset } from '../driver/kafka-driver.js';
import { PartitionTracker } from './partition-tracker.js';

/** Gap-aware processing state of every partition a consumer owns. */
export class OffsetTracker {
  // Keyed by topic, then partition number: looked up per acknowledged message, so no string
  // key is built per look-up.
  readonly #topics = new Map<string, Map<number, PartitionTracker>>();

  /** The tracker of a partition, created on first use. */
  partition(tp: TopicPartition): PartitionTracker {
    let partitions = this.#topics.get(tp.topic);
    if (!partitions) {
      partitions = new Map();
      this.#topics.set(tp.topic, partitions);
    }
    let tracker = partitions.get(tp.partition);
    if (!tracker) {
      tracker = new PartitionTracker();
      partitions.set(tp.partition, tracker);
    }
    return tracker;
  }

  /** The tracker of a partition when it has one. */
  find(tp: TopicPartition): PartitionTracker | undefined {
    return this.#topics.get(tp.topic)?.get(tp.partition);
  }

  /** Stops tracking a partition: what it had pending will never be committed. */
  drop(tp: TopicPartition): void {
    const partitions = this.#topics.get(tp.topic);
    partitions?.delete(tp.partition);
    if (partitions?.size === 0) this.#topics.delete(tp.topic);
  }

  /** Partitions currently tracked. */
  partitions(): TopicPartition[] {
    const result: TopicPartition[] = [];
    for (const [topic, partitions] of this.#topics) {
      for (const partition of partitions.keys()) result.push({ topic, partition });
    }
    return result;
  }

  /** Messages delivered and not yet processed, over every partition. */
  pendingCount(): number {
    let total = 0;
    for (const partitions of this.#topics.values()) {
      for (const tracker of partitions.values()) total += tracker.pendingCount;
    }
    return total;
  }

  /** Commit points that moved, for the partitions accepted by `owned`. */
  committable(owned: (tp: TopicPartition) => boolean): TopicPartitionOffset[] {
    const result: TopicPartitionOffset[] = [];
    for (const [topic, partitions] of this.#topics) {
      for (const [partition, tracker] of partitions) {
        const tp = { topic, partition };
        if (!owned(tp)) continue;
        const offset = tracker.committable();
        if (offset !== undefined) result.push({ ...tp, offset });
      }
    }
    return result;
  }
}

/** A string id of a topic-partition, usable as a map key. */
export function idOf(tp: TopicPartition): string {
  return `${tp.partition}:${tp.topic}`;
}

/** The topic-partition of an id made by {@link idOf}. */
export function fromId(id: string): TopicPartition {
  const colon = id.indexOf(':');
  return { partition: Number(id.slice(0, colon)), topic: id.slice(colon + 1) };
}
