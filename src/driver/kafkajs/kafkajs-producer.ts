import kafkajs, {
  type CompressionTypes,
  type Kafka,
  type Message,
  type Producer,
  type RecordMetadata as StoredBatch,
} from 'kafkajs';

import type {
  DriverProducer,
  DriverProducerConfig,
  ProduceRequest,
  RecordMetadata,
} from '../kafka-driver.js';
import { translateKafkajsError } from './translate-kafkajs-error.js';

/**
 * A {@link DriverProducer} on a kafkajs producer. It has no `check()`: kafkajs gives a producer
 * neither a ping nor its connection state, so a pool learns of a broken kafkajs producer from
 * its failed connect or send; a driver on a client that exposes either can add the check.
 */
export class KafkajsProducer implements DriverProducer {
  readonly #producer: Producer;
  readonly #brokers: readonly string[];
  readonly #acks: -1 | 0 | 1;
  readonly #compression: CompressionTypes;

  constructor(kafka: Kafka, brokers: readonly string[], config: DriverProducerConfig) {
    const idempotent = config.idempotent ?? true;
    this.#brokers = brokers;
    this.#acks = idempotent ? -1 : (config.acks ?? -1);
    this.#compression =
      config.compression === 'gzip' ? kafkajs.CompressionTypes.GZIP : kafkajs.CompressionTypes.None;
    this.#producer = kafka.producer({
      idempotent,
      // Idempotence needs at most five requests in flight per connection to keep order.
      maxInFlightRequests: idempotent ? 5 : undefined,
      transactionalId: config.transactionalId,
      allowAutoTopicCreation: false,
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    try {
      await this.#producer.connect();
    } catch (error) {
      throw translateKafkajsError(error, { brokers: this.#brokers, action: 'connect a producer' });
    }
  }

  async send(requests: readonly ProduceRequest[], timeoutMs?: number): Promise<RecordMetadata[]> {
    const topicMessages = requests.map((request) => ({
      topic: request.topic,
      messages: request.records.map(toKafkajsMessage),
    }));
    let stored;
    try {
      stored = await this.#producer.sendBatch({
        topicMessages,
        acks: this.#acks,
        timeout: timeoutMs,
        compression: this.#compression,
      });
    } catch (error) {
      const topic = requests.length === 1 ? requests[0]?.topic : undefined;
      const action = `send to ${requests.map((r) => r.topic).join(', ')}`;
      throw translateKafkajsError(error, { brokers: this.#brokers, action, topic });
    }
    return spreadOffsets(requests, stored);
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect();
  }
}

function toKafkajsMessage(record: ProduceRequest['records'][number]): Message {
  // Without a timestamp a record already has the shape kafkajs reads, and is passed as it is.
  if (record.timestamp === undefined) return record as Message;
  return {
    partition: record.partition,
    key: record.key,
    value: record.value,
    // kafkajs only reads the headers, so they are passed without a copy.
    headers: record.headers as Message['headers'],
    timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
  };
}

/**
 * kafkajs answers with one base offset per topic-partition; records of one partition are
 * appended in input order, so the n-th record of a partition sits at base + n. Offsets are
 * counted as numbers while they stay exact, and as bigints beyond 2^53.
 */
function spreadOffsets(
  requests: readonly ProduceRequest[],
  stored: readonly StoredBatch[],
): RecordMetadata[] {
  const result: RecordMetadata[] = [];
  for (const request of requests) {
    const next = new Map<number, { offset: number | bigint; timestamp?: string }>();
    for (const entry of stored) {
      if (entry.topicName !== request.topic) continue;
      const timestamp =
        entry.logAppendTime && entry.logAppendTime !== '-1' ? entry.logAppendTime : undefined;
      const base = Number(entry.baseOffset ?? '0');
      const offset = Number.isSafeInteger(base) ? base : BigInt(entry.baseOffset ?? '0');
      next.set(entry.partition, { offset, timestamp });
    }
    for (const record of request.records) {
      const position = next.get(record.partition);
      const { topic } = request;
      const { partition } = record;
      const created = record.timestamp === undefined ? undefined : String(record.timestamp);
      if (!position) {
        result.push({ topic, partition, offset: '-1', timestamp: created });
        continue;
      }
      const { offset } = position;
      result.push({
        topic,
        partition,
        offset: String(offset),
        timestamp: position.timestamp ?? created,
      });
      position.offset =
        typeof offset === 'number' && offset < Number.MAX_SAFE_INTEGER
          ? offset + 1
          : BigInt(offset) + 1n;
    }
  }
  return result;
}
