import type { TopicPartition } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import { fromId, idOf } from './offset-tracker.js';
import type { PartitionTracker } from './partition-tracker.js';

/** Options of a {@link Backpressure}. */
export interface BackpressureOptions {
  /** Pending messages per partition at which its fetching pauses. */
  readonly highWaterMark: number;
  /** Pending value bytes per partition at which its fetching pauses. */
  readonly highWaterMarkBytes: number;
  readonly pause: (partitions: readonly TopicPartition[]) => void;
  readonly resume: (partitions: readonly TopicPartition[]) => void;
  readonly logger: Logger;
}

/**
 * Pauses fetching of a partition once it has a high-water mark of unprocessed messages (or
 * bytes) downstream, and resumes it when processing brought that below half the mark.
 */
export class Backpressure {
  readonly #options: BackpressureOptions;
  readonly #paused = new Set<string>();

  constructor(options: BackpressureOptions) {
    this.#options = options;
  }

  /** Whether a partition has as much pending as it may. */
  full(tracker: PartitionTracker): boolean {
    const { highWaterMark, highWaterMarkBytes } = this.#options;
    return tracker.pendingCount >= highWaterMark || tracker.pendingBytes >= highWaterMarkBytes;
  }

  /** Whether fetching a partition is paused. */
  isPaused(tp: TopicPartition): boolean {
    return this.#paused.size > 0 && this.#paused.has(idOf(tp));
  }

  /** Paused partitions. */
  pausedPartitions(): TopicPartition[] {
    return [...this.#paused].map(fromId);
  }

  /** Pauses a partition that is full. */
  pauseIfFull(tp: TopicPartition, tracker: PartitionTracker): void {
    if (this.isPaused(tp) || !this.full(tracker)) return;
    this.#paused.add(idOf(tp));
    this.#options.pause([{ topic: tp.topic, partition: tp.partition }]);
    this.#options.logger.debug({ partition: tp.partition }, 'partition paused');
  }

  /** Resumes a paused partition once its pending work fell to half the mark. */
  resumeIfDrained(tp: TopicPartition, tracker: PartitionTracker | undefined): void {
    // Runs after every acknowledgement: cheap while nothing is paused.
    if (!this.isPaused(tp)) return;
    const { highWaterMark, highWaterMarkBytes } = this.#options;
    const pending = tracker ? tracker.pendingCount : 0;
    const bytes = tracker ? tracker.pendingBytes : 0;
    if (pending > highWaterMark / 2 || bytes > highWaterMarkBytes / 2) return;
    this.forget(tp);
    this.#options.resume([{ topic: tp.topic, partition: tp.partition }]);
    this.#options.logger.debug({ partition: tp.partition }, 'partition resumed');
  }

  /** Forgets a partition's pause without resuming it (revoked, or resumed by a seek). */
  forget(tp: TopicPartition): boolean {
    return this.#paused.delete(idOf(tp));
  }

  /** Pauses again whatever is paused here (the client may forget pauses across a rejoin). */
  reapply(): void {
    if (this.#paused.size > 0) this.#options.pause(this.pausedPartitions());
  }
}
