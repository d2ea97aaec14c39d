import type { Observable } from 'rxjs';

import type { DriverProducer, OutgoingRecord, RecordMetadata } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { AvroEncoder } from '../serde/avro-codec.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { DeliveryOutcome } from './delivery-outcome.js';
import type { DeliveryResult } from './delivery-result.js';
import {
  CORRELATION_ID_HEADER,
  MESSAGE_ID_HEADER,
  type MessageContext,
} from './message-context.js';
import { messageIdSource } from './message-ids.js';
import { partitionForKey } from './murmur2.js';
import type { ProducerOptions } from './partitioner.js';
import { ProducerStatsRecorder, type ProducerStats } from './producer-stats.js';
import {
  chunkRecords,
  HEADER_OVERHEAD_BYTES,
  RECORD_BATCH_OVERHEAD_BYTES,
  RECORD_OVERHEAD_BYTES,
  type PlacedRecord,
} from './record-chunks.js';
import { retrying, withTimeout } from './send-policy.js';

/** What a {@link TopicProducer} is built on. */
export interface TopicProducerDeps {
  /** Runs a request on a connected driver producer with this producer's settings. */
  readonly withProducer: <T>(work: (producer: DriverProducer) => Promise<T>) => Promise<T>;
  readonly serializers: SerializerManager;
  /** Partition count of a topic, which also makes sure it exists. */
  readonly partitionCount: (topic: TopicDefinition<unknown, MessageKey>) => Promise<number>;
  /** The largest record batch the topic accepts, in bytes. */
  readonly maxMessageBytes: (topic: TopicDefinition<unknown, MessageKey>) => Promise<number>;
}

/** Headers shared by every record of one call, converted once. */
interface SharedHeaders {
  /** The context's own headers, before the message id. */
  readonly before: Readonly<Record<string, Buffer>> | undefined;
  /** The correlation id, after the message id. */
  readonly correlation: Buffer | undefined;
  /** Bytes the shared headers and the message id's name take in a record. */
  readonly bytes: number;
}

/** Everything one batch needs that is resolved once and then cached. */
interface Prepared {
  readonly encoder: AvroEncoder;
  readonly partitions: number;
  readonly maxBatchBytes: number;
}

/**
 * Sends typed values to one topic. Values are validated and encoded before anything reaches
 * the network. Records of one call are grouped per partition into as few requests as the
 * topic's size limit allows (one request, whose partitions the client sends together, unless
 * a partition's share exceeds `max.message.bytes`); requests of one call go out one after the
 * other so per-partition order is kept.
 */
export class TopicProducer<V, K extends MessageKey = string> {
  readonly #topic: TopicDefinition<V, K>;
  readonly #deps: TopicProducerDeps;
  readonly #options: ProducerOptions<V>;
  readonly #stats = new ProducerStatsRecorder();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #nextId = messageIdSource();
  #nextKeyless = 0;
  #lastRequest: Promise<unknown> = Promise.resolve();

  constructor(
    topic: TopicDefinition<V, K>,
    deps: TopicProducerDeps,
    options: ProducerOptions<V> = {},
  ) {
    this.#topic = topic;
    this.#deps = deps;
    this.#options = options;
  }

  /** The topic this producer writes to. */
  get topic(): TopicDefinition<V, K> {
    return this.#topic;
  }

  /** Counters and latency percentiles, updated after every request; see {@link stats}. */
  get stats$(): Observable<ProducerStats> {
    return this.#stats.stats$;
  }

  /**
   * Sends one value and resolves when the broker has stored it (acks from all in-sync
   * replicas by default).
   *
   * @throws KafkaBusError `SerializationFailure` (nothing sent), `NetworkTimeout` after
   *   `context.timeoutMs`, `BrokerUnavailable`, `MessageTooLarge` (size and limit in the
   *   message), `InvalidConfiguration` for an unknown topic or partition.
   * @example
   * const { partition, offset } = await producer.send(order, { correlationId });
   */
  async send(value: V, context: MessageContext<K> = {}): Promise<DeliveryResult> {
    const [result] = await this.sendBatch([value], context);
    return result as DeliveryResult;
  }

  /**
   * Sends values together: all are encoded first, so one invalid value fails the call before
   * anything is sent. The context applies to every value; each still gets its own message id.
   * Keyless values of one call go to one partition. If any value then fails (too large, or
   * its request failed) the call rejects with the first failure while the others may have
   * been stored: use {@link sendBatchSettled} to learn the fate of each value.
   *
   * @throws KafkaBusError as {@link send}.
   * @example
   * await producer.sendBatch(orders, { correlationId });
   */
  async sendBatch(values: readonly V[], context: MessageContext<K> = {}) {
    const outcomes = await this.#settle(values, context, true);
    const failure = outcomes.find((o) => !o.ok);
    if (failure && !failure.ok) throw failure.error;
    return outcomes.map((o) => (o.ok ? o.result : (undefined as never)));
  }

  /**
   * Sends values and resolves with one {@link DeliveryOutcome} per value, in input order; it
   * does not reject for failures of single values. A value that cannot be encoded, that does
   * not fit the topic's `max.message.bytes`, or whose partition does not exist fails alone and
   * its neighbours are still sent. A request that fails fails all of its values, each with the
   * request's error; the other requests of the call are still sent.
   *
   * @example
   * const outcomes = await producer.sendBatchSettled(orders);
   * for (const o of outcomes) if (!o.ok) await parkForLater(o.value, o.error);
   */
  sendBatchSettled(values: readonly V[], context: MessageContext<K> = {}) {
    return this.#settle(values, context, false);
  }

  /**
   * Resolves when every send of this producer started before the call has settled.
   *
   * @throws KafkaBusError `NetworkTimeout` when that takes longer than `timeoutMs`.
   * @example
   * await producer.flush(10_000);
   */
  async flush(timeoutMs?: number): Promise<void> {
    const pending = Promise.allSettled([...this.#inFlight]).then(() => undefined);
    await withTimeout(pending, timeoutMs, this.#topic.name);
  }

  /** The current counters and latency percentiles. */
  stats(): ProducerStats {
    return this.#stats.stats();
  }

  /** Completes `stats$`; called by the bus when it closes. */
  close(): void {
    this.#stats.complete();
  }

  #settle(values: readonly V[], context: MessageContext<K>, strict: boolean) {
    const work = this.#settleNow(values, context, strict);
    this.#inFlight.add(work);
    void work.then(
      () => this.#inFlight.delete(work),
      () => this.#inFlight.delete(work),
    );
    return work;
  }

  async #settleNow(values: readonly V[], context: MessageContext<K>, strict: boolean) {
    if (values.length === 0) return [];
    const prepared = await this.#prepare();
    const keyless = this.#nextKeyless++ % prepared.partitions;
    const outcomes: DeliveryOutcome<V>[] = new Array<DeliveryOutcome<V>>(values.length);
    const ids: string[] = new Array<string>(values.length);
    const placed: PlacedRecord[] = [];
    const shared = sharedHeaders(context);

    for (let index = 0; index < values.length; index++) {
      const value = values[index] as V;
      const given = values.length === 1 ? context.messageId : undefined;
      const id = given ?? this.#nextId();
      ids[index] = id;
      try {
        const idBuffer = given === undefined ? Buffer.from(id, 'latin1') : Buffer.from(given);
        const headers = headersOf(shared, idBuffer);
        const record = this.#record(value, context, headers, prepared, keyless);
        const size = this.#checkSize(record, shared.bytes + idBuffer.length, prepared);
        placed.push({ index, record, size });
      } catch (error) {
        if (strict) throw error;
        outcomes[index] = { ok: false, value, error: error as KafkaBusError };
      }
    }
    this.#stats.rejected(values.length - placed.length);

    const budget = prepared.maxBatchBytes - RECORD_BATCH_OVERHEAD_BYTES;
    for (const chunk of chunkRecords(placed, budget)) {
      await this.#deliverChunk(chunk, values, ids, outcomes, context);
    }
    return outcomes;
  }

  async #prepare(): Promise<Prepared> {
    const [encoder, partitions] = await Promise.all([
      this.#deps.serializers.prepareEncoder(this.#topic),
      this.#deps.partitionCount(this.#topic),
    ]);
    // Read after the partition count, which creates the topic when that is allowed.
    const maxBatchBytes = await this.#deps.maxMessageBytes(this.#topic);
    return { encoder, partitions, maxBatchBytes };
  }

  #record(
    value: V,
    context: MessageContext<K>,
    headers: Record<string, Buffer>,
    prepared: Prepared,
    keyless: number,
  ): OutgoingRecord {
    const { partitions } = prepared;
    const encoded = prepared.encoder.encode(value, this.#topic.name);
    const keyValue = context.key ?? this.#topic.key?.(value);
    const key =
      keyValue === undefined ? null : this.#deps.serializers.encodeKey(this.#topic, keyValue);
    const topic = this.#topic.name;
    const partition =
      context.partition ??
      this.#options.partitioner?.({ topic, key, value, partitions }) ??
      (key ? partitionForKey(key, partitions) : keyless);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new KafkaBusError(`Partition ${partition} does not exist: ${topic} has ${partitions}`, {
        type: 'InvalidConfiguration',
        topic,
        field: 'partition',
      });
    }
    return { partition, key, value: encoded, headers };
  }

  #checkSize(record: OutgoingRecord, headerBytes: number, prepared: Prepared): number {
    const body = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    const size = RECORD_OVERHEAD_BYTES + body + headerBytes;
    const total = size + RECORD_BATCH_OVERHEAD_BYTES;
    if (total > prepared.maxBatchBytes) {
      const topic = this.#topic.name;
      const message =
        `Message of ${total} bytes exceeds the limit of ${prepared.maxBatchBytes} bytes ` +
        `(max.message.bytes) of ${topic}`;
      throw new KafkaBusError(message, {
        type: 'MessageTooLarge',
        topic,
        partition: record.partition,
      });
    }
    return size;
  }

  async #deliverChunk(
    chunk: readonly PlacedRecord[],
    values: readonly V[],
    ids: readonly string[],
    outcomes: DeliveryOutcome<V>[],
    context: MessageContext<K>,
  ): Promise<void> {
    const started = performance.now();
    try {
      const metadata = await this.#inOrder(() =>
        this.#deliver(
          chunk.map((p) => p.record),
          context,
        ),
      );
      let bytes = 0;
      chunk.forEach((placed, at) => {
        bytes += placed.size;
        const result = toDeliveryResult(metadata[at] as RecordMetadata, ids[placed.index]!);
        outcomes[placed.index] = { ok: true, value: values[placed.index] as V, result };
      });
      this.#stats.request(chunk.length, 0, bytes, performance.now() - started);
    } catch (error) {
      for (const placed of chunk) {
        const value = values[placed.index] as V;
        outcomes[placed.index] = { ok: false, value, error: error as KafkaBusError };
      }
      this.#stats.request(0, chunk.length, 0, performance.now() - started);
    }
  }

  /**
   * Runs requests one after the other in call order. The client may otherwise append two
   * concurrent requests to a partition in either order; with an idempotent producer it
   * serialises requests per broker anyway, so this costs no throughput while values of
   * later calls are encoded during the wait.
   */
  #inOrder<T>(request: () => Promise<T>): Promise<T> {
    const run = this.#lastRequest.then(request, request);
    this.#lastRequest = run.catch(() => undefined);
    return run;
  }

  async #deliver(records: OutgoingRecord[], context: MessageContext<K>) {
    const requests = [{ topic: this.#topic.name, records }];
    const attempt = () => {
      const sending = this.#deps.withProducer((p) => p.send(requests, context.timeoutMs));
      return withTimeout(sending, context.timeoutMs, this.#topic.name);
    };
    return context.retry ? retrying(attempt, context.retry) : attempt();
  }
}

function sharedHeaders(context: MessageContext): SharedHeaders {
  let before: Record<string, Buffer> | undefined;
  let bytes = HEADER_OVERHEAD_BYTES + MESSAGE_ID_HEADER.length;
  for (const [name, value] of Object.entries(context.headers ?? {})) {
    const buffer = toBuffer(value);
    (before ??= {})[name] = buffer;
    bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + buffer.length;
  }
  const { correlationId } = context;
  const correlation = correlationId === undefined ? undefined : Buffer.from(correlationId);
  if (correlation)
    bytes += HEADER_OVERHEAD_BYTES + CORRELATION_ID_HEADER.length + correlation.length;
  return { before, correlation, bytes };
}

/** A record's headers: the context's own, the message id, then the correlation id. */
function headersOf(shared: SharedHeaders, messageId: Buffer): Record<string, Buffer> {
  if (!shared.before && !shared.correlation) return { [MESSAGE_ID_HEADER]: messageId };
  const headers: Record<string, Buffer> = { ...shared.before, [MESSAGE_ID_HEADER]: messageId };
  if (shared.correlation) headers[CORRELATION_ID_HEADER] = shared.correlation;
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
