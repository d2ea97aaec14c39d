import type {
  DriverConsumer,
  FetchedBatch,
  FetchedRecord,
  KafkaDriver,
  TopicPartition,
} from '../driver/kafka-driver.js';
import { isKafkaBusError, type KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Logger } from '../logging/logger.js';
import { CORRELATION_ID_HEADER, MESSAGE_ID_HEADER } from '../producer/message-context.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { CommitScheduler } from './commit-scheduler.js';
import { CONSUME_DEFAULTS, type ConsumeOptions } from './consume-options.js';
import type { KafkaMessage } from './kafka-message.js';
import { idOf, OffsetTracker } from './offset-tracker.js';

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
  next(message: KafkaMessage<V, K>): void;
  error(error: KafkaBusError): void;
}

/**
 * One group member consuming one topic: it decodes fetched records, emits them, tracks which
 * are processed, commits up to the first gap, pauses partitions that have too much unprocessed
 * work and forgets partitions it no longer owns.
 */
export class ConsumerSession<V, K extends MessageKey> {
  readonly #topic: TopicDefinition<V, K>;
  readonly #options: ConsumeOptions;
  readonly #deps: ConsumerSessionDeps;
  readonly #output: SessionOutput<V, K>;
  readonly #logger: Logger;
  readonly #tracker = new OffsetTracker();
  readonly #commits: CommitScheduler;
  readonly #paused = new Set<string>();
  #owned: Set<string> | undefined;
  #consumer: DriverConsumer | undefined;
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
    this.#commits = new CommitScheduler({
      tracker: this.#tracker,
      commit: (offsets) => this.#consumer?.commit(offsets) ?? Promise.resolve(),
      owned: (tp) => this.#owns(tp),
      intervalMs: options.commitIntervalMs ?? CONSUME_DEFAULTS.commitIntervalMs,
      maxPendingAcks: options.commitEveryAcks ?? CONSUME_DEFAULTS.commitEveryAcks,
      logger: this.#logger,
    });
  }

  /** Joins the group and starts fetching. */
  async start(): Promise<void> {
    await this.#deps.ensureTopic(this.#topic);
    const consumer = this.#deps.driver.consumer({
      groupId: this.#options.groupId,
      fromBeginning: this.#options.fromBeginning ?? false,
    });
    this.#consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([this.#topic.name]);
    if (this.#stopped) return;
    await consumer.run({
      onBatch: (batch) => this.#onBatch(batch),
      onAssigned: (partitions) => this.#onAssigned(partitions),
      onRebalancing: () => void this.#commits.flush(),
      onCrash: (error) => this.#output.error(error),
    });
    this.#logger.info({ groupId: this.#options.groupId }, 'consumer running');
  }

  /** Stops emitting, commits what was processed and leaves the group. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#commits.flush();
    this.#commits.dispose();
    try {
      await this.#consumer?.disconnect();
    } catch (error) {
      this.#logger.warn({ error }, 'consumer disconnect failed');
    }
    this.#logger.info({ groupId: this.#options.groupId }, 'consumer stopped');
  }

  async #onBatch(batch: FetchedBatch): Promise<void> {
    if (this.#stopped || !this.#owns(batch)) return;
    const { serializers } = this.#deps;
    await serializers.prepareDecoding(batch.records.map((r) => r.value));
    if (this.#topic.keySchema) await serializers.prepareDecoding(batch.records.map((r) => r.key));
    const tracker = this.#tracker.partition(batch);
    const now = Date.now();

    for (const record of batch.records) {
      if (this.#stopped) return;
      if (!tracker.track(record.offset, record.value?.length ?? 0, now)) continue;
      let message: KafkaMessage<V, K>;
      try {
        message = this.#toMessage(record);
      } catch (error) {
        await this.#reject(error);
        tracker.ack(record.offset);
        continue;
      }
      this.#output.next(message);
    }
    this.#applyBackpressure(batch);
  }

  #toMessage(record: FetchedRecord): KafkaMessage<V, K> {
    const value = this.#deps.serializers.decode(this.#topic, record.value, record) as V;
    const key = this.#deps.serializers.decodeKey(this.#topic, record.key, record) as K | null;
    const messageId = record.headers[MESSAGE_ID_HEADER]?.toString();
    const correlationId = record.headers[CORRELATION_ID_HEADER]?.toString();
    return {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key,
      value,
      headers: record.headers,
      timestamp: Number(record.timestamp),
      context: { messageId, correlationId },
      commit: () => this.#ack(record),
    };
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

  #ack(record: FetchedRecord): Promise<void> {
    if (!this.#owns(record)) return Promise.resolve();
    const tracker = this.#tracker.find(record);
    if (!tracker) return Promise.resolve();
    tracker.ack(record.offset);
    this.#resumeIfDrained(record);
    return this.#commits.request();
  }

  #applyBackpressure(tp: TopicPartition): void {
    const tracker = this.#tracker.find(tp);
    if (!tracker || this.#paused.has(idOf(tp))) return;
    const count = this.#options.highWaterMark ?? CONSUME_DEFAULTS.highWaterMark;
    const bytes = this.#options.highWaterMarkBytes ?? CONSUME_DEFAULTS.highWaterMarkBytes;
    if (tracker.pendingCount >= count || tracker.pendingBytes >= bytes) {
      this.#paused.add(idOf(tp));
      this.#consumer?.pause([tp]);
      this.#logger.debug({ partition: tp.partition }, 'partition paused');
    }
  }

  #resumeIfDrained(tp: TopicPartition): void {
    if (!this.#paused.has(idOf(tp))) return;
    const tracker = this.#tracker.find(tp);
    const count = this.#options.highWaterMark ?? CONSUME_DEFAULTS.highWaterMark;
    const bytes = this.#options.highWaterMarkBytes ?? CONSUME_DEFAULTS.highWaterMarkBytes;
    if (tracker && (tracker.pendingCount > count / 2 || tracker.pendingBytes > bytes / 2)) return;
    this.#paused.delete(idOf(tp));
    this.#consumer?.resume([{ topic: tp.topic, partition: tp.partition }]);
    this.#logger.debug({ partition: tp.partition }, 'partition resumed');
  }

  #onAssigned(partitions: readonly TopicPartition[]): void {
    const owned = new Set(partitions.map(idOf));
    for (const tp of this.#tracker.partitions()) {
      if (owned.has(idOf(tp))) continue;
      // Revoked: its pending messages belong to the new owner now; never commit them here.
      this.#tracker.drop(tp);
      this.#paused.delete(idOf(tp));
    }
    this.#owned = owned;
    this.#logger.info({ partitions: partitions.map((p) => p.partition) }, 'partitions assigned');
  }

  #owns(tp: TopicPartition): boolean {
    return this.#owned === undefined || this.#owned.has(idOf(tp));
  }
}
