import { randomUUID } from 'node:crypto';

import pRetry from 'p-retry';

import type { DriverProducer, OutgoingRecord, RecordMetadata } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { AvroEncoder } from '../serde/avro-codec.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { DeliveryResult } from './delivery-result.js';
import {
  CORRELATION_ID_HEADER,
  MESSAGE_ID_HEADER,
  type MessageContext,
  type RetryPolicy,
} from './message-context.js';
import { partitionForKey } from './murmur2.js';

/** What a {@link TopicProducer} is built on. */
export interface TopicProducerDeps {
  /** A connected driver producer, created on first use. */
  readonly connection: () => Promise<DriverProducer>;
  readonly serializers: SerializerManager;
  /** Partition count of a topic, which also makes sure it exists. */
  readonly partitionCount: (topic: TopicDefinition<unknown, MessageKey>) => Promise<number>;
}

const DEFAULT_RETRY_MIN_DELAY_MS = 100;
const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;

/**
 * Sends typed values to one topic. Values are validated and encoded before anything reaches
 * the network, so a value that does not fit the schema fails alone with
 * `SerializationFailure` and nothing is sent.
 */
export class TopicProducer<V, K extends MessageKey = string> {
  readonly #topic: TopicDefinition<V, K>;
  readonly #deps: TopicProducerDeps;
  #nextKeyless = 0;

  constructor(topic: TopicDefinition<V, K>, deps: TopicProducerDeps) {
    this.#topic = topic;
    this.#deps = deps;
  }

  /** The topic this producer writes to. */
  get topic(): TopicDefinition<V, K> {
    return this.#topic;
  }

  /**
   * Sends one value and resolves when the broker has stored it (acks from all in-sync
   * replicas by default).
   *
   * @throws KafkaBusError `SerializationFailure` (nothing sent), `NetworkTimeout` after
   *   `context.timeoutMs`, `BrokerUnavailable`, `MessageTooLarge`, `InvalidConfiguration` for
   *   an unknown topic or partition.
   */
  async send(value: V, context: MessageContext<K> = {}): Promise<DeliveryResult> {
    const [result] = await this.sendBatch([value], context);
    return result as DeliveryResult;
  }

  /**
   * Sends values in one request per call: all are encoded first, so one invalid value fails
   * the call before anything is sent. The context applies to every value; each still gets its
   * own message id. Keyless values of one call go to one partition, keeping them together.
   */
  async sendBatch(
    values: readonly V[],
    context: MessageContext<K> = {},
  ): Promise<DeliveryResult[]> {
    if (values.length === 0) return [];
    const [encoder, partitions] = await Promise.all([
      this.#deps.serializers.prepareEncoder(this.#topic),
      this.#deps.partitionCount(this.#topic),
    ]);
    const keyless = this.#nextKeyless++ % partitions;
    const ids: string[] = [];
    const records = values.map((value) => {
      const id = values.length === 1 ? (context.messageId ?? randomUUID()) : randomUUID();
      ids.push(id);
      return this.#record(value, context, id, encoder, partitions, keyless);
    });

    const metadata = await this.#deliver(records, context);
    return metadata.map((m, index) => toDeliveryResult(m, ids[index] as string));
  }

  #record(
    value: V,
    context: MessageContext<K>,
    messageId: string,
    encoder: AvroEncoder,
    partitions: number,
    keyless: number,
  ): OutgoingRecord {
    const encoded = encoder.encode(value, this.#topic.name);
    const keyValue = context.key ?? this.#topic.key?.(value);
    const key = keyValue === undefined ? null : toBuffer(keyValue);
    const partition = context.partition ?? (key ? partitionForKey(key, partitions) : keyless);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new KafkaBusError(
        `Partition ${partition} does not exist: ${this.#topic.name} has ${partitions}`,
        { type: 'InvalidConfiguration', topic: this.#topic.name, field: 'partition' },
      );
    }
    return { partition, key, value: encoded, headers: headersOf(context, messageId) };
  }

  async #deliver(records: OutgoingRecord[], context: MessageContext<K>) {
    const attempt = async () => {
      const producer = await this.#deps.connection();
      const sending = producer.send([{ topic: this.#topic.name, records }], context.timeoutMs);
      return withTimeout(sending, context.timeoutMs, this.#topic.name);
    };
    return context.retry ? retrying(attempt, context.retry) : attempt();
  }
}

function headersOf(context: MessageContext, messageId: string): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(context.headers ?? {})) {
    headers[name] = toBuffer(value);
  }
  headers[MESSAGE_ID_HEADER] = Buffer.from(messageId);
  if (context.correlationId !== undefined) {
    headers[CORRELATION_ID_HEADER] = Buffer.from(context.correlationId);
  }
  return headers;
}

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

function toDeliveryResult(metadata: RecordMetadata, messageId: string): DeliveryResult {
  return {
    topic: metadata.topic,
    partition: metadata.partition,
    offset: metadata.offset,
    timestamp: metadata.timestamp === undefined ? undefined : Number(metadata.timestamp),
    messageId,
  };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number | undefined, topic: string) {
  if (timeoutMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `Send to ${topic} got no acknowledgement within ${timeoutMs} ms`;
      reject(new KafkaBusError(message, { type: 'NetworkTimeout', topic }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minDelayMs ?? DEFAULT_RETRY_MIN_DELAY_MS,
    maxTimeout: policy.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    shouldRetry: ({ error }) => error instanceof KafkaBusError && error.retriable,
  });
}
