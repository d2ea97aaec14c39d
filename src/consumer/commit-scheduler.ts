import type { TopicPartition, TopicPartitionOffset } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import type { OffsetTracker } from './offset-tracker.js';

/** Options of a {@link CommitScheduler}. */
export interface CommitSchedulerOptions {
  readonly tracker: OffsetTracker;
  /** Sends offsets to the group coordinator. */
  readonly commit: (offsets: readonly TopicPartitionOffset[]) => Promise<void>;
  /** Whether this member still owns a partition; others are never committed. */
  readonly owned: (tp: TopicPartition) => boolean;
  /** Longest time an acknowledged offset waits before it is committed, in ms. */
  readonly intervalMs: number;
  /** Acknowledgements that trigger a commit before the interval ends. */
  readonly maxPendingAcks: number;
  readonly logger: Logger;
}

/** The callers waiting for the next commit: they share one promise. */
interface Round {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces acknowledgements into few commit requests: one per interval, or sooner once
 * enough acknowledgements piled up. Only one commit is in flight at a time; acks that arrive
 * meanwhile ride on the next one.
 */
export class CommitScheduler {
  readonly #options: CommitSchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #acks = 0;
  #round: Round | undefined;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(options: CommitSchedulerOptions) {
    this.#options = options;
  }

  /**
   * Schedules a commit for `acks` new acknowledgements; resolves once a commit covering every
   * earlier ack has completed.
   */
  request(acks = 1): Promise<void> {
    // One promise per commit round, not per ack: this runs for every processed message.
    const { done } = (this.#round ??= newRound());
    this.#acks += acks;
    if (this.#acks >= this.#options.maxPendingAcks) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.intervalMs);
    return done;
  }

  /**
   * Commits what is committable now; waits for a commit already in flight first. Calls made
   * while one is waiting share it, so a burst of acks costs one commit, not one per call.
   * `owned` replaces the scheduler's ownership test for this one commit.
   */
  flush(owned?: (tp: TopicPartition) => boolean): Promise<void> {
    if (owned === undefined && this.#queued) return this.#queued;
    const queued: Promise<void> = this.#idle().then(() => {
      if (this.#queued === queued) this.#queued = undefined;
      return this.#run(owned ?? this.#options.owned);
    });
    if (owned === undefined) this.#queued = queued;
    return queued;
  }

  /** Cancels the timer; pending waiters are resolved by a last {@link flush} or rejected. */
  dispose(error?: unknown): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const round = this.#round;
    this.#round = undefined;
    if (error === undefined) round?.resolve();
    else round?.reject(error);
  }

  async #idle(): Promise<void> {
    while (this.#running) await this.#running.catch(() => undefined);
  }

  async #run(owned: (tp: TopicPartition) => boolean): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#acks = 0;
    const round = this.#round;
    this.#round = undefined;
    this.#running = this.#commitNow(round, owned);
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
    }
  }

  async #commitNow(
    round: Round | undefined,
    owned: (tp: TopicPartition) => boolean,
  ): Promise<void> {
    const { tracker, commit, logger } = this.#options;
    const offsets = tracker.committable(owned);
    try {
      if (offsets.length > 0) {
        await commit(offsets);
        for (const o of offsets) tracker.find(o)?.markCommitted(o.offset);
        logger.debug({ offsets }, 'offsets committed');
      }
      round?.resolve();
    } catch (error) {
      logger.warn({ error, offsets }, 'commit failed');
      round?.reject(error);
    }
  }
}

function newRound(): Round {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}
