import type {
  DriverConsumer,
  FetchedBatch,
  FetchedRecord,
  KafkaDriver,
  TopicPartition,
  TopicPartitionOffset,
} from '../driver/kafka-driver.js';
import { isKafkaBusError, KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Logger } from '../logging/logger.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { Backpressure } from './backpressure.js';
import { CommitScheduler } from './commit-scheduler.js';
import { CONSUME_DEFAULTS, type ConsumeOptions } from './consume-options.js';
import { memberStats, type ConsumerState, type ConsumerStats } from './consumer-stats.js';
import { decodeRecord, prepareRecords } from './decode-record.js';
import { DrainWaiter } from './drain-waiter.js';
import type { KafkaMessage } from './kafka-message.js';
import { OffsetTracker } from './offset-tracker.js';
import { PartitionOwnership } from './partition-ownership.js';
import type { PartitionTracker } from './partition-tracker.js';

/** What a {@link ConsumerSession} is built on. */
export interface ConsumerSessionDeps {
  readonly driver: KafkaDriver;
  readonly serializers: SerializerManager;
  /** Makes sure the topic exists before joining. */
  readonly ensureTopic: (topic: TopicDefinition<unknown, MessageKey>) => Promise<unknown>;
  readonly logger: Logger;
}

/** Where a session hands its output. */
export interface SessionOutput<V, K extends MessageKey> {
  /** Messages of one partition, in offset order. */
  next(messages: readonly KafkaMessage<V, K>[]): void;
  error(error: KafkaBusError): void;
  /** Partitions taken away at a rebalance: their queued messages should be dropped. */
  revoked?(partitions: readonly TopicPartition[]): void;
}

/**
 * One group member consuming one topic: it decodes fetched records, emits them, tracks which
 * are processed, commits up to the first gap, pauses partitions that have too much unprocessed
 * work and forgets partitions it no longer owns.
 *
 * Rebalances (kafkajs uses the eager protocol: every partition is given up, then assigned
 * anew) go like this. From the moment the member learns of the rebalance it emits nothing and
 * sends no commit except the rebalance commit. When it learns of it while handing over a
 * batch (the usual case while data flows), the rejoin waits up to `rebalanceDrainMs` for the
 * emitted messages to be processed, then the processed offsets are committed under the old
 * generation, when this member still owns every partition. When it learns of it on an idle
 * poll, kafkajs rejoins at once: the processed offsets are committed immediately (that
 * request precedes the rejoin) and there is no drain. After the new assignment, partitions
 * kept go on (acks that came during the rejoin are committed then); partitions lost are
 * forgotten, so acks for them are never sent and the new owner receives those messages again.
 */
export class ConsumerSession<V, K extends MessageKey> {
  readonly #topic: TopicDefinition<V, K>;
  readonly #options: ConsumeOptions;
  readonly #deps: ConsumerSessionDeps;
  readonly #output: SessionOutput<V, K>;
  readonly #logger: Logger;
  readonly #tracker = new OffsetTracker();
  readonly #commits: CommitScheduler;
  readonly #backpressure: Backpressure;
  readonly #drain = new DrainWaiter(() => this.#tracker.pendingCount());
  readonly #ownership: PartitionOwnership;
  #consumer: DriverConsumer | undefined;
  #state: ConsumerState = 'idle';
  #rebalance: Promise<void> | undefined;
  #stopped = false;

  constructor(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
    deps: ConsumerSessionDeps,
    output: SessionOutput<V, K>,
  ) {
    this.#topic = topic;
    this.#options = options;
    this.#deps = deps;
    this.#output = output;
    this.#logger = deps.logger.child({ component: 'consumer', topic: topic.name });
    this.#ownership = new PartitionOwnership(topic.name);
    this.#commits = new CommitScheduler({
      tracker: this.#tracker,
      commit: (offsets) => this.#consumer?.commit(offsets) ?? Promise.resolve(),
      owned: (tp) => this.#mayCommit(tp),
      intervalMs: options.commitIntervalMs ?? CONSUME_DEFAULTS.commitIntervalMs,
      maxPendingAcks: options.commitEveryAcks ?? CONSUME_DEFAULTS.commitEveryAcks,
      logger: this.#logger,
    });
    this.#backpressure = new Backpressure({
      highWaterMark: options.highWaterMark ?? CONSUME_DEFAULTS.highWaterMark,
      highWaterMarkBytes: options.highWaterMarkBytes ?? CONSUME_DEFAULTS.highWaterMarkBytes,
      pause: (partitions) => this.#consumer?.pause(partitions),
      resume: (partitions) => this.#consumer?.resume(partitions),
      logger: this.#logger,
    });
  }

  /** Joins the group and starts fetching. */
  async start(): Promise<void> {
    this.#state = 'starting';
    await this.#deps.ensureTopic(this.#topic);
    const consumer = this.#deps.driver.consumer({
      groupId: this.#options.groupId,
      fromBeginning: this.#options.fromBeginning ?? false,
      fetchMaxWaitMs: this.#options.fetchMaxWaitMs ?? CONSUME_DEFAULTS.fetchMaxWaitMs,
    });
    this.#consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([this.#topic.name]);
    if (this.#stopped) return;
    await consumer.run({
      onBatch: (batch) => this.#onBatch(batch),
      onAssigned: (partitions) => this.#onAssigned(partitions),
      onRebalancing: (rejoinWaits) => this.#onRebalancing(rejoinWaits),
      onCrash: (error) => this.#output.error(error),
    });
    if (this.#state === 'starting') this.#state = 'running';
    this.#logger.info({ groupId: this.#options.groupId }, 'consumer running');
  }

  /**
   * Stops emitting, waits up to `drainMs` for emitted messages to be processed, commits what
   * was processed and leaves the group.
   */
  async stop(drainMs = 0): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#state = 'stopped';
    await this.#drain.drained(drainMs);
    await this.#commits.flush();
    this.#commits.dispose();
    try {
      await this.#consumer?.disconnect();
    } catch (error) {
      this.#logger.warn({ error }, 'consumer disconnect failed');
    }
    this.#logger.info({ groupId: this.#options.groupId }, 'consumer stopped');
  }

  /**
   * Marks several emitted messages processed at once, as `commit()` on each would, with one
   * commit request for all of them.
   */
  commitAll(messages: readonly TopicPartitionOffset[]): Promise<void> {
    let acked = 0;
    let run: TopicPartitionOffset | undefined;
    let tracker: PartitionTracker | undefined;
    // Messages come in runs of one partition: look its tracker up once per run.
    for (const message of messages) {
      if (message.partition !== run?.partition || message.topic !== run.topic) {
        if (run && tracker) this.#afterAcks(run, tracker);
        run = message;
        tracker = this.#ownership.owns(message) ? this.#tracker.find(message) : undefined;
      }
      if (tracker?.ack(message.offset)) acked += 1;
    }
    if (run && tracker) this.#afterAcks(run, tracker);
    return acked > 0 ? this.#commits.request(acked) : Promise.resolve();
  }

  /** Whether this member owns a partition (true before the first assignment is known). */
  isAssigned(tp: TopicPartition): boolean {
    return this.#ownership.owns(tp);
  }

  /** Partitions assigned at the last join. */
  assignedPartitions(): TopicPartition[] {
    return this.#ownership.assigned();
  }

  /**
   * Moves the fetch position of an assigned partition. Messages emitted before and not yet
   * processed are forgotten (they will not be committed); fetching restarts at `offset`.
   *
   * @throws KafkaBusError `InvalidConfiguration` when the partition is not assigned here.
   */
  seek(position: { readonly partition: number; readonly offset: string | number }): void {
    const tp = { topic: this.#topic.name, partition: position.partition };
    const offset = String(position.offset);
    if (
      !this.#consumer ||
      !this.#ownership.known ||
      !this.#ownership.owns(tp) ||
      !/^\d+$/.test(offset)
    ) {
      throw new KafkaBusError(
        `Cannot seek partition ${tp.partition} of ${tp.topic} to ${offset}: not assigned here`,
        { type: 'InvalidConfiguration', field: 'partition', ...tp },
      );
    }
    this.#tracker.partition(tp).reset(offset);
    this.#consumer.seek({ ...tp, offset });
    if (this.#backpressure.forget(tp)) this.#consumer.resume([tp]);
    this.#drain.check();
  }

  /** A snapshot of the member's state. */
  stats(): ConsumerStats {
    const head = {
      topic: this.#topic.name,
      groupId: this.#options.groupId,
      state: this.#state,
      assigned: this.assignedPartitions(),
    };
    return memberStats(head, this.#tracker, (tp) => this.#backpressure.isPaused(tp), Date.now());
  }

  /** Emits what the high-water mark allows; resolves with the offset of the last one taken. */
  async #onBatch(batch: FetchedBatch): Promise<string | undefined> {
    if (!this.#emitting(batch)) return undefined;
    await prepareRecords(this.#topic, this.#deps.serializers, batch.records);
    const tracker = this.#tracker.partition(batch);
    tracker.highWatermark = batch.highWatermark;
    const records = batch.records;
    const where = { topic: batch.topic, partition: batch.partition, offset: '' };
    const commit = this.#commitOne;
    const now = Date.now();
    let taken: string | undefined;
    let index = 0;

    // Records left here are fetched again after a resume, so at most a high-water mark of
    // messages is ever pending downstream, however large the fetched batch. Messages go out
    // in arrays, one per run of records that fits under the mark; a subscriber that processes
    // them at once makes room for the next run of the same fetched batch.
    const backpressure = this.#backpressure;
    while (index < records.length && this.#emitting(batch) && !backpressure.full(tracker)) {
      const messages: KafkaMessage<V, K>[] = [];
      let corrupted: unknown;
      for (; index < records.length && !backpressure.full(tracker); index += 1) {
        const record = records[index] as FetchedRecord;
        taken = record.offset;
        if (!tracker.track(record.offset, record.value?.length ?? 0, now)) continue;
        where.offset = record.offset;
        try {
          messages.push(decodeRecord(this.#topic, this.#deps.serializers, record, where, commit));
        } catch (error) {
          corrupted = error;
          index += 1;
          break;
        }
      }
      if (messages.length > 0) this.#output.next(messages);
      if (corrupted === undefined) continue;
      await this.#skipCorrupted(tracker, taken as string, corrupted);
      // A rebalance may have come meanwhile: the partition's tracker is then a new one.
      if (this.#tracker.find(batch) !== tracker) return taken;
    }
    backpressure.pauseIfFull(batch, tracker);
    return taken;
  }

  async #skipCorrupted(tracker: PartitionTracker, offset: string, error: unknown): Promise<void> {
    await this.#reject(error);
    tracker.ack(offset);
    this.#commits.request().catch(() => undefined);
  }

  #onRebalancing(rejoinWaits: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#rebalance) return this.#rebalance;
    this.#state = 'rebalancing';
    this.#logger.info({ groupId: this.#options.groupId, rejoinWaits }, 'rebalance started');
    if (!rejoinWaits) {
      // Started synchronously, so the commit request goes out before kafkajs's rejoin request;
      // a later commit could carry the new generation for a partition that is not ours.
      this.#rebalance = this.#commitForRebalance();
      return this.#rebalance;
    }
    const drainMs = this.#options.rebalanceDrainMs ?? CONSUME_DEFAULTS.rebalanceDrainMs;
    this.#rebalance = this.#drain.drained(drainMs).then(() => this.#commitForRebalance());
    return this.#rebalance;
  }

  async #commitForRebalance(): Promise<void> {
    await this.#commits
      .flush((tp) => this.#ownership.owns(tp))
      .catch((error: unknown) => {
        this.#logger.warn({ error }, 'commit before rejoining failed');
      });
  }

  async #reject(error: unknown): Promise<void> {
    if (!isKafkaBusError(error)) throw error;
    if (this.#options.onCorrupted) {
      await this.#options.onCorrupted(error);
    } else {
      const { topic, partition, offset } = error;
      this.#logger.error({ topic, partition, offset, error }, 'undecodable message skipped');
    }
  }

  /** What an emitted message's `commit()` does. */
  readonly #commitOne = (message: TopicPartitionOffset): Promise<void> => {
    const tracker = this.#ownership.owns(message) ? this.#tracker.find(message) : undefined;
    if (!tracker?.ack(message.offset)) return Promise.resolve();
    this.#afterAcks(message, tracker);
    return this.#commits.request();
  };

  /** Resumes a partition that drained enough and releases drain waiters. */
  #afterAcks(tp: TopicPartition, tracker: PartitionTracker): void {
    this.#backpressure.resumeIfDrained(tp, tracker);
    this.#drain.check();
  }

  #onAssigned(partitions: readonly TopicPartition[]): void {
    this.#ownership.assign(partitions);
    const revoked: TopicPartition[] = [];
    for (const tp of this.#tracker.partitions()) {
      if (this.#ownership.owns(tp)) continue;
      // Revoked: its pending messages belong to the new owner now; never commit them here.
      this.#tracker.drop(tp);
      this.#backpressure.forget(tp);
      revoked.push(tp);
    }
    this.#rebalance = undefined;
    if (!this.#stopped) this.#state = 'running';
    // kafkajs may forget pauses across a rejoin; pausing again is harmless.
    this.#backpressure.reapply();
    if (revoked.length > 0) this.#output.revoked?.(revoked);
    this.#drain.check();
    this.#logger.info({ partitions: partitions.map((p) => p.partition) }, 'partitions assigned');
    // Acks that arrived during the rejoin, for partitions kept, can be committed now.
    if (!this.#stopped) this.#commits.flush().catch(() => undefined);
  }

  #emitting(tp: TopicPartition): boolean {
    return !this.#stopped && this.#rebalance === undefined && this.#ownership.owns(tp);
  }

  #mayCommit(tp: TopicPartition): boolean {
    if (this.#rebalance !== undefined) return false;
    return this.#ownership.owns(tp);
  }
}
