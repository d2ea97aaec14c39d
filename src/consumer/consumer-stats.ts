import type { TopicPartition } from '../driver/kafka-driver.js';
import type { OffsetTracker } from './offset-tracker.js';
import type { PartitionTracker } from './partition-tracker.js';

/** Where a group member is in its life. */
export type ConsumerState = 'idle' | 'starting' | 'running' | 'rebalancing' | 'stopped';

/** The state of one partition a member consumes. */
export interface PartitionStats extends TopicPartition {
  /** Messages emitted since the partition was assigned (or last sought). */
  readonly received: number;
  /** Emitted and not yet processed (`commit()` not called). */
  readonly pending: number;
  /** Value bytes of the pending messages. */
  readonly pendingBytes: number;
  /** Last offset this member committed (the next offset to read), when it committed any. */
  readonly committedOffset?: string;
  /** Offset the next fetched message will have. */
  readonly position?: string;
  /** The partition's high watermark at the last fetch. */
  readonly highWatermark?: string;
  /**
   * Messages after the commit point: high watermark minus the committed offset (minus the
   * first offset received when this member has not committed yet).
   */
  readonly lag?: number;
  /** Whether fetching is paused because too much is pending. */
  readonly paused: boolean;
  /** Age of the oldest pending message, in ms. */
  readonly oldestPendingAgeMs?: number;
}

/** A snapshot of a group member, as `stats()` and `stats$` give it. */
export interface ConsumerStats {
  readonly topic: string;
  readonly groupId: string;
  readonly state: ConsumerState;
  /** Partitions assigned at the last (re)join. */
  readonly assigned: readonly TopicPartition[];
  /** Partitions whose fetching is paused by backpressure. */
  readonly paused: readonly TopicPartition[];
  /** Sums over the partitions. */
  readonly received: number;
  readonly pending: number;
  /** Sum of the known partition lags. */
  readonly lag: number;
  /** Age of the oldest pending message over all partitions, in ms. */
  readonly oldestPendingAgeMs?: number;
  readonly partitions: readonly PartitionStats[];
}

/** A snapshot of a member from its offset tracker, with `paused` telling paused partitions. */
export function memberStats(
  head: Pick<ConsumerStats, 'topic' | 'groupId' | 'state' | 'assigned'>,
  tracker: OffsetTracker,
  paused: (tp: TopicPartition) => boolean,
  nowMs: number,
): ConsumerStats {
  const partitions = tracker
    .partitions()
    .map((tp) => partitionStats(tp, tracker.partition(tp), paused(tp), nowMs));
  return summarize(head, partitions);
}

/** The stats of one partition from its tracker. */
export function partitionStats(
  { topic, partition }: TopicPartition,
  tracker: PartitionTracker,
  paused: boolean,
  nowMs: number,
): PartitionStats {
  const highWatermark = tracker.highWatermark;
  const base = tracker.committedOffset ?? tracker.firstOffset;
  const lag =
    highWatermark === undefined || base === undefined
      ? undefined
      : Math.max(0, Number(BigInt(highWatermark) - BigInt(base)));
  const oldest = tracker.oldestPendingAtMs;
  return {
    topic,
    partition,
    received: tracker.receivedCount,
    pending: tracker.pendingCount,
    pendingBytes: tracker.pendingBytes,
    committedOffset: tracker.committedOffset,
    position: tracker.position,
    highWatermark,
    lag,
    paused,
    oldestPendingAgeMs: oldest === undefined ? undefined : Math.max(0, nowMs - oldest),
  };
}

/** Sums partition stats into a member snapshot. */
export function summarize(
  head: Pick<ConsumerStats, 'topic' | 'groupId' | 'state' | 'assigned'>,
  partitions: readonly PartitionStats[],
): ConsumerStats {
  let received = 0;
  let pending = 0;
  let lag = 0;
  let oldest: number | undefined;
  for (const p of partitions) {
    received += p.received;
    pending += p.pending;
    lag += p.lag ?? 0;
    if (p.oldestPendingAgeMs !== undefined) oldest = Math.max(oldest ?? 0, p.oldestPendingAgeMs);
  }
  const paused = partitions
    .filter((p) => p.paused)
    .map(({ topic, partition }) => ({ topic, partition }));
  return { ...head, paused, received, pending, lag, oldestPendingAgeMs: oldest, partitions };
}
