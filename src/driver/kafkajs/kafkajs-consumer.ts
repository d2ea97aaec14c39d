import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';

import type {
  ConsumerHandlers,
  DriverConsumer,
  DriverConsumerConfig,
  FetchedRecord,
  RecordHeaders,
  TopicPartition,
  TopicPartitionOffset,
} from '../kafka-driver.js';
import { translateKafkajsError } from './translate-kafkajs-error.js';

/** A {@link DriverConsumer} on a kafkajs group consumer. */
export class KafkajsConsumer implements DriverConsumer {
  readonly #consumer: Consumer;
  readonly #brokers: readonly string[];
  readonly #config: DriverConsumerConfig;
  #topics: readonly string[] = [];

  constructor(kafka: Kafka, brokers: readonly string[], config: DriverConsumerConfig) {
    this.#brokers = brokers;
    this.#config = config;
    this.#consumer = kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxWaitTimeInMs: config.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    await this.#attempt('connect a consumer', () => this.#consumer.connect());
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    this.#topics = topics;
    await this.#attempt(`subscribe to ${topics.join(', ')}`, () =>
      this.#consumer.subscribe({
        topics: [...topics],
        fromBeginning: this.#config.fromBeginning ?? false,
      }),
    );
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    const { events } = this.#consumer;
    this.#consumer.on(events.GROUP_JOIN, ({ payload }) => {
      const assigned: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) assigned.push({ topic, partition });
      }
      handlers.onAssigned?.(assigned);
    });
    this.#consumer.on(events.REBALANCING, () => void handlers.onRebalancing?.(false));
    this.#consumer.on(events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      const action = `keep consuming ${this.#topics.join(', ')}`;
      handlers.onCrash?.(translateKafkajsError(payload.error, { brokers: this.#brokers, action }));
    });

    await this.#attempt('start consuming', () =>
      this.#consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, isStale, heartbeat }) => {
          if (isStale() || batch.messages.length === 0) return;
          const { topic, partition } = batch;
          const taken = await handlers.onBatch({
            topic,
            partition,
            highWatermark: batch.highWatermark,
            records: toFetchedRecords(batch.messages),
          });
          // Resolving moves kafkajs's fetch position only; commits are sent separately.
          if (taken !== undefined && !isStale()) resolveOffset(taken);
          await heartbeatOrDrain(heartbeat, handlers);
        },
      }),
    );
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.#attempt('commit offsets', () =>
      this.#consumer.commitOffsets(offsets.map((o) => ({ ...o }))),
    );
  }

  seek(position: TopicPartitionOffset): void {
    this.#consumer.seek({ ...position });
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer.resume(groupByTopic(partitions));
  }

  async disconnect(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #attempt(action: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      throw translateKafkajsError(error, { brokers: this.#brokers, action });
    }
  }
}

/**
 * kafkajs has no revoke callback: a member learns of a rebalance from a heartbeat answer and
 * rejoins right away, with no hook in between. Heartbeating here, inside the batch handler,
 * lets the handlers drain and commit before kafkajs rejoins (it waits for this handler). The
 * heartbeat is throttled by kafkajs to its interval, so this costs nothing per batch.
 */
async function heartbeatOrDrain(
  heartbeat: () => Promise<void>,
  handlers: ConsumerHandlers,
): Promise<void> {
  try {
    await heartbeat();
  } catch (error) {
    if (isRebalancing(error)) await handlers.onRebalancing?.(true);
    throw error;
  }
}

function isRebalancing(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'NOT_COORDINATOR_FOR_GROUP' ||
    type === 'ILLEGAL_GENERATION'
  );
}

/**
 * kafkajs's fetched messages already have the shape of {@link FetchedRecord} when every
 * header value is one Buffer, which is the rule: they are handed over as they are, without a
 * copy per record. Only batches with a repeated header name (an array), a header without a
 * value, or records without headers (old message formats) are copied.
 */
export function toFetchedRecords(messages: KafkaMessage[]): readonly FetchedRecord[] {
  for (const message of messages) {
    if (!hasPlainHeaders(message.headers)) return messages.map(toFetchedRecord);
  }
  return messages as unknown as readonly FetchedRecord[];
}

function hasPlainHeaders(headers: IHeaders | undefined): boolean {
  if (!headers) return false;
  for (const name in headers) {
    if (Object.hasOwn(headers, name) && !Buffer.isBuffer(headers[name])) return false;
  }
  return true;
}

function toFetchedRecord(message: KafkaMessage): FetchedRecord {
  return {
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: toHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

function toHeaders(headers: IHeaders | undefined): RecordHeaders {
  const result: Record<string, Buffer> = {};
  if (!headers) return result;
  // Runs per record: a plain loop, without the entry arrays of Object.entries.
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const raw = headers[name];
    // Kafka allows repeated header names; the bus keeps the last value, like most clients.
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    // A header may have no value at all (null): it is left out.
    if (value !== undefined && value !== null) {
      result[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
    }
  }
  return result;
}

function groupByTopic(partitions: readonly TopicPartition[]) {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
