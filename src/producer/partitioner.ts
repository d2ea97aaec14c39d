/** What a {@link Partitioner} decides from. */
export interface PartitionerInput<V> {
  readonly topic: string;
  /** The encoded key, or null for a keyless value. */
  readonly key: Buffer | null;
  /** The typed value being sent. */
  readonly value: V;
  /** Partitions the topic has. */
  readonly partitions: number;
}

/**
 * Chooses a partition for a value. Return a partition number in `[0, partitions)`, or
 * `undefined` to fall back to the default placement (murmur2 of the key, as the Java client
 * does; keyless values of one call or batch together on one partition, rotating per call).
 * An explicit `partition` in the message context always wins.
 *
 * @example
 * const byRegion: Partitioner<Order> = ({ value, partitions }) =>
 *   value.region === 'eu' ? 0 : 1 + (value.shop % (partitions - 1));
 */
export type Partitioner<V> = (input: PartitionerInput<V>) => number | undefined;

/**
 * Settings of a driver producer; sends with equal settings share pooled producers. Defaults
 * come from the bus option `producer`, and from there: idempotent, acks -1, no compression.
 */
export interface ProducerSettings {
  /** Acknowledgements: -1 (all in-sync replicas), 0 or 1; an idempotent producer needs -1. */
  readonly acks?: -1 | 0 | 1;
  /** Idempotent delivery: retries never duplicate a message. */
  readonly idempotent?: boolean;
  /** Compression of record batches. */
  readonly compression?: 'none' | 'gzip';
}

/** Settings of a typed producer. */
export interface ProducerOptions<V> extends ProducerSettings {
  /** Custom placement of values on partitions. */
  readonly partitioner?: Partitioner<V>;
}
