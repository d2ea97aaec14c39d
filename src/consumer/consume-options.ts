import { KafkaBusError } from '../errors/kafka-bus-error.js';

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
  /**
   * Longest time a rebalance waits for messages already emitted to be processed before this
   * member rejoins, in ms; processed offsets are then committed under the old assignment.
   * Default 3 000. Must stay well below the group's session timeout (30 s with kafkajs).
   */
  readonly rebalanceDrainMs?: number;
  /**
   * Longest time `bus.close()` (or stopping a managed subscription) waits for emitted
   * messages to be processed before the last commit, in ms. Default 5 000.
   */
  readonly closeDrainMs?: number;
  /**
   * Longest time a fetch waits at the broker for new data, in ms; it also bounds how long a
   * paused partition takes to resume. Default 500 (as Kafka's `fetch.max.wait.ms`).
   */
  readonly fetchMaxWaitMs?: number;
  /** How often `stats$` emits, in ms. Default 1 000. */
  readonly statsIntervalMs?: number;
}

/** Defaults of {@link ConsumeOptions}. */
export const CONSUME_DEFAULTS = {
  highWaterMark: 1_000,
  highWaterMarkBytes: 16 * 1024 * 1024,
  commitIntervalMs: 1_000,
  commitEveryAcks: 500,
  rebalanceDrainMs: 3_000,
  closeDrainMs: 5_000,
  statsIntervalMs: 1_000,
  fetchMaxWaitMs: 500,
} as const;

const MAX_REBALANCE_DRAIN_MS = 20_000;

/**
 * Checks consume options once, before anything connects.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the field.
 */
export function validateConsumeOptions(options: ConsumeOptions): void {
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) {
    throw invalid('groupId', 'must be a non-empty string');
  }
  for (const field of ['highWaterMark', 'highWaterMarkBytes', 'commitEveryAcks'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw invalid(field, `must be a positive integer, got ${value}`);
    }
  }
  const durations = [
    'commitIntervalMs',
    'closeDrainMs',
    'statsIntervalMs',
    'fetchMaxWaitMs',
  ] as const;
  for (const field of durations) {
    const value = options[field];
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw invalid(field, `must be a finite number of ms, zero or more, got ${value}`);
    }
  }
  const drain = options.rebalanceDrainMs;
  if (drain !== undefined && !(drain >= 0 && drain <= MAX_REBALANCE_DRAIN_MS)) {
    throw invalid('rebalanceDrainMs', `must be between 0 and ${MAX_REBALANCE_DRAIN_MS} ms`);
  }
}

function invalid(field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`Consumer option ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
