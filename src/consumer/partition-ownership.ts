import type { TopicPartition } from '../driver/kafka-driver.js';

/**
 * The partitions of one topic a group member was given at its last join. Before the first
 * assignment is known every partition counts as owned, so nothing fetched is held back.
 */
export class PartitionOwnership {
  readonly #topic: string;
  #owned: Set<number> | undefined;

  constructor(topic: string) {
    this.#topic = topic;
  }

  /** Whether an assignment has been received. */
  get known(): boolean {
    return this.#owned !== undefined;
  }

  /** Whether the member owns a partition. Runs per message: a set look-up, no string key. */
  owns(tp: TopicPartition): boolean {
    return this.#owned === undefined || (tp.topic === this.#topic && this.#owned.has(tp.partition));
  }

  /** Records a new assignment; partitions of other topics are ignored. */
  assign(partitions: readonly TopicPartition[]): void {
    this.#owned = new Set(
      partitions.filter((p) => p.topic === this.#topic).map((p) => p.partition),
    );
  }

  /** The partitions assigned at the last join. */
  assigned(): TopicPartition[] {
    return [...(this.#owned ?? [])].map((partition) => ({ topic: this.#topic, partition }));
  }
}
