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
  return {
    partition: record.partition,
    key: record.key,
    value: record.value,
    headers: record.headers ? { ...record.headers } : undefined,
    timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
  };
}

/**
 * kafkajs answers with one base offset per topic-partition; records of one partition are
 * appended in input order, so the n-th record of a partition sits at base + n.
 */
function spreadOffsets(
  requests: readonly ProduceRequest[],
  stored: readonly StoredBatch[],
): RecordMetadata[] {
  const base = new Map<string, { offset: bigint; timestamp?: string }>();
  for (const entry of stored) {
    const timestamp =
      entry.logAppendTime && entry.logAppendTime !== '-1' ? entry.logAppendTime : undefined;
    base.set(`${entry.topicName}:${entry.partition}`, {
      offset: BigInt(entry.baseOffset ?? '0'),
      timestamp,
    });
  }

  const next = new Map<string, bigint>();
  const result: RecordMetadata[] = [];
  for (const request of requests) {
    for (const record of request.records) {
      const key = `${request.topic}:${record.partition}`;
      const first = base.get(key);
      const index = next.get(key) ?? 0n;
      next.set(key, index + 1n);
      result.push({
        topic: request.topic,
        partition: record.partition,
        offset: first ? String(first.offset + index) : '-1',
        timestamp:
          first?.timestamp ??
          (record.timestamp === undefined ? undefined : String(record.timestamp)),
      });
    }
  }
  return result;
}
