import type { TopicPartition, TopicPartitionOffset } from '../driver/kafka-driver.js';
import { PartitionTracker } from './partition-tracker.js';

/** Gap-aware processing state of every partition a consumer owns. */
export class OffsetTracker {
  readonly #partitions = new Map<string, PartitionTracker>();

  /** The tracker of a partition, created on first use. */
  partition(tp: TopicPartition): PartitionTracker {
    const id = idOf(tp);
    let tracker = this.#partitions.get(id);
    if (!tracker) {
      tracker = new PartitionTracker();
      this.#partitions.set(id, tracker);
    }
    return tracker;
  }

  /** The tracker of a partition when it has one. */
  find(tp: TopicPartition): PartitionTracker | undefined {
    return this.#partitions.get(idOf(tp));
  }

  /** Stops tracking a partition: what it had pending will never be committed. */
  drop(tp: TopicPartition): void {
    this.#partitions.delete(idOf(tp));
  }

  /** Partitions currently tracked. */
  partitions(): TopicPartition[] {
    return [...this.#partitions.keys()].map(fromId);
  }

  /** Commit points that moved, for the partitions accepted by `owned`. */
  committable(owned: (tp: TopicPartition) => boolean): TopicPartitionOffset[] {
    const result: TopicPartitionOffset[] = [];
    for (const [id, tracker] of this.#partitions) {
      const tp = fromId(id);
      if (!owned(tp)) continue;
      const offset = tracker.committable();
      if (offset !== undefined) result.push({ ...tp, offset });
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
