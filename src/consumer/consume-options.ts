import type { KafkaBusError } from '../errors/kafka-bus-error.js';

/** Options of `bus.consume`. */
export interface ConsumeOptions {
  /** Consumer group. Members of one group share the partitions. */
  readonly groupId: string;
  /**
   * Where a group with no committed offset starts: the oldest message (true) or new messages
   * only (false, the default, like Kafka's `auto.offset.reset=latest`).
   */
  readonly fromBeginning?: boolean;
  /**
   * Delivered but uncommitted messages per partition at which fetching of that partition
   * pauses; it resumes at half. Default 1 000.
   */
  readonly highWaterMark?: number;
  /** Same as `highWaterMark`, counted in value bytes. Default 16 MiB. */
  readonly highWaterMarkBytes?: number;
  /** Longest time an acknowledged offset waits before it is committed, in ms. Default 1 000. */
  readonly commitIntervalMs?: number;
  /** Acknowledgements that trigger a commit before the interval ends. Default 500. */
  readonly commitEveryAcks?: number;
  /**
   * Receives each message that cannot be decoded (`CorruptedMessage` with its coordinates).
   * The partition keeps flowing; the message is committed once this returns or resolves.
   * Without it, such messages are logged at `error` level and skipped.
   */
  readonly onCorrupted?: (error: KafkaBusError) => void | Promise<void>;
}

/** Defaults of {@link ConsumeOptions}. */
export const CONSUME_DEFAULTS = {
  highWaterMark: 1_000,
  highWaterMarkBytes: 16 * 1024 * 1024,
  commitIntervalMs: 1_000,
  commitEveryAcks: 500,
} as const;
