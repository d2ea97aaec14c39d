import type { Observable, OperatorFunction } from 'rxjs';

import type { ConsumeOptions } from '../consumer/consume-options.js';
import type { ConsumeBatchesOptions } from '../consumer/consume-batches.js';
import type { ConsumerStats } from '../consumer/consumer-stats.js';
import type { FetchOptions } from '../consumer/fetch-history.js';
import type { KafkaBatch, KafkaMessage } from '../consumer/kafka-message.js';
import type { ManagedSubscription, SubscribeOptions } from '../consumer/subscribe-topic.js';
import type { TopicConsumer } from '../consumer/topic-consumer.js';
import type { DeliveryResult } from '../producer/delivery-result.js';
import type { DeliveryOutcome } from '../producer/delivery-outcome.js';
import type { MessageContext } from '../producer/message-context.js';
import type { ProducerOptions } from '../producer/partitioner.js';
import type { ProducerPoolState } from '../producer/producer-pool-options.js';
import type { ProducerSink, SinkOptions } from '../producer/producer-sink.js';
import type { SendInBatchesOptions } from '../operators/send-in-batches.js';
import type { TopicProducer } from '../producer/topic-producer.js';
import type { MonitoredSchemaCache } from '../serde/monitored-schema-cache.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';

/** Options of `bus.sink`: batching, bounds, error routing and placement. */
export type SinkSettings<V, K extends MessageKey> = SinkOptions<V, K> & ProducerOptions<V>;

/** Options of `bus.publish`: batching and bounds, a shared context, and placement. */
export interface PublishOptions<V, K extends MessageKey>
  extends SendInBatchesOptions, ProducerOptions<V> {
  /** Context applied to every value (correlation id, headers, timeout, retry). */
  readonly context?: Omit<MessageContext<K>, 'messageId' | 'partition' | 'key'>;
}

/**
 * The one entry point an application needs: typed sends, typed consumer Observables, and an
 * orderly `close()`. Created by {@link createMessageBus}.
 */
export interface MessageBus {
  /**
   * Validates, encodes and sends one value; resolves with where it was stored.
   *
   * @throws KafkaBusError `SerializationFailure` naming the field (nothing sent),
   *   `NetworkTimeout`, `BrokerUnavailable`, `MessageTooLarge`, `InvalidConfiguration`.
   * @example
   * const { partition, offset } = await bus.send(Orders, order, { correlationId });
   */
  send<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    value: NoInfer<V>,
    context?: MessageContext<K>,
  ): Promise<DeliveryResult>;

  /**
   * Sends several values in one request; all are encoded first, so one invalid value fails
   * the call before anything is sent.
   *
   * @example
   * await bus.sendBatch(Orders, orders, { correlationId, timeoutMs: 30_000 });
   */
  sendBatch<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    values: readonly NoInfer<V>[],
    context?: MessageContext<K>,
  ): Promise<DeliveryResult[]>;

  /**
   * Sends values and resolves with one outcome per value (delivered or failed with its
   * error), in input order; see `TopicProducer.sendBatchSettled`.
   *
   * @example
   * const failed = (await bus.sendBatchSettled(Orders, orders)).filter((o) => !o.ok);
   */
  sendBatchSettled<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    values: readonly V[],
    context?: MessageContext<K>,
  ): Promise<DeliveryOutcome<V>[]>;

  /**
   * The typed producer of a topic, for code that sends to it repeatedly. The bus hands out one
   * shared producer per topic and settings (`acks`, `idempotent`, `compression`, over the bus
   * option `producer`); with a `partitioner` it creates a new one. Its requests run on pooled
   * driver producers with those settings (see `producerPool`).
   *
   * @throws KafkaBusError `InvalidConfiguration` naming `producer.acks` (or another setting)
   *   when the settings do not go together, for example acks 1 on an idempotent producer.
   * @example
   * const fast = bus.producer(Metrics, { idempotent: false, acks: 1, compression: 'gzip' });
   */
  producer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: ProducerOptions<V>,
  ): TopicProducer<V, K>;

  /**
   * A batching `Observer<V>` for the topic: see {@link ProducerSink} for batching, the bound
   * on queued values (`ProducerQueueFull`), and where failures go (`onError`, `outcomes$`).
   * `close()` of the bus delivers everything a sink has accepted before disconnecting.
   *
   * @example
   * orders$.subscribe(bus.sink(Orders, { maxBatchSize: 1_000, onError: (e, o) => park(o, e) }));
   */
  sink<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: SinkSettings<V, K>,
  ): ProducerSink<V>;

  /**
   * An operator that sends each value and emits its {@link DeliveryResult}, in input order.
   * Values are batched (`maxBatchSize`, `maxWaitMs`) with at most `maxInFlight` batches in
   * flight; more than `maxQueuedMessages` unanswered values fail the stream with
   * `ProducerQueueFull`. The first value that cannot be delivered fails the stream with its
   * error, after the results of the values before it (values after it in the same batch may
   * have been stored). Unsubscribing drops unsent values.
   *
   * @example
   * orders$.pipe(bus.publish(Orders, { maxBatchSize: 200 })).subscribe((d) => audit(d));
   */
  publish<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: PublishOptions<V, K>,
  ): OperatorFunction<V, DeliveryResult>;

  /**
   * A cold Observable of the topic's messages. Each subscription joins the consumer group as
   * one member; messages of a partition arrive in offset order. Nothing is committed until
   * `message.commit()` is called, and then only up to the first unprocessed message of the
   * partition (at-least-once). Unsubscribing commits what was processed and leaves the group.
   * Errors that stop the consumer (`BrokerUnavailable` after retries, authorisation) arrive on
   * the error channel; undecodable messages do not stop it (see `onCorrupted`).
   *
   * @example
   * bus.consume(Orders, { groupId: 'billing' })
   *   .pipe(concatMap(async (m) => { await bill(m.value); await m.commit(); }))
   *   .subscribe();
   */
  consume<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): Observable<KafkaMessage<V, K>>;

  /**
   * Registers (or, with auto-registration off, looks up) the schemas of the topics listed in
   * `avro.preload` and compiles them, so that their first messages pay no registry round trip.
   * Optional: a send that comes first waits for the same requests. Call it at start-up to fail
   * fast on a missing or incompatible schema. Concurrent calls share one preload; a failed one
   * is retried by the next call.
   *
   * @throws KafkaBusError `SchemaIncompatible`, `InvalidConfiguration` (schema not registered
   *   in lookup-only mode), `BrokerUnavailable` / `NetworkTimeout` (registry unreachable).
   * @example
   * const bus = createMessageBus({ brokers, schemaRegistry, avro: { preload: [Orders] } });
   * await bus.ready();
   */
  ready(): Promise<void>;

  /**
   * The schema cache (subject registrations and compiled writer schemas). Its `stats$` emits
   * hits, misses, size, evictions, registry latency and threshold breaches.
   *
   * @example
   * bus.schemaCache.stats$.subscribe((s) => metrics.gauge('schema_hit_ratio', s.hitRatio));
   */
  readonly schemaCache: MonitoredSchemaCache;

  /**
   * The driver producers behind every send, pooled per settings (acks, idempotence,
   * compression): their numbers now and on every change. See `ProducerPool` for sizes,
   * waiting at `maxSize` (`ProducerQueueFull`) and when a producer is replaced.
   *
   * @example
   * bus.producerPool.state$.subscribe(({ size, inUse, failures }) => report(size, inUse));
   */
  readonly producerPool: {
    readonly state$: Observable<ProducerPoolState>;
    state(): ProducerPoolState;
  };

  /**
   * One group member of a topic with its controls: `messages$` (shared by its subscribers;
   * the member joins on the first subscription and leaves after the last), `stats()` and
   * `stats$` (received, committed, lag and paused partitions, age of the oldest pending
   * message), `assignedPartitions()` and `seek()`. Handles are pooled by group and topic:
   * asking again returns the same handle, with the options it was first created with.
   *
   * @example
   * const billing = bus.consumer(Orders, { groupId: 'billing' });
   * billing.messages$.pipe(commitAfter((m) => bill(m.value))).subscribe();
   * billing.stats$.subscribe((s) => metrics.gauge('lag', s.lag));
   * billing.seek({ partition: 0, offset: '42' });
   */
  consumer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): TopicConsumer<V, K>;

  /**
   * A cold Observable of batches: up to `maxBatchSize` messages, emitted when full or
   * `maxWaitMs` after the batch's first message. Messages of a partition keep their order
   * within and across batches. `batch.commit()` commits every message of the batch (up to
   * the first unprocessed offset of each partition). Messages of a partition revoked while
   * they waited are left out. Unsubscribing commits what was committed and leaves the group.
   *
   * @throws KafkaBusError `InvalidConfiguration` for bad options (checked at once).
   * @example
   * bus.consumeBatches(Orders, { groupId: 'billing', maxBatchSize: 100, maxWaitMs: 5_000 })
   *   .pipe(concatMap(async (batch) => { await store(batch.messages); await batch.commit(); }))
   *   .subscribe();
   */
  consumeBatches<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeBatchesOptions,
  ): Observable<KafkaBatch<V, K>>;

  /**
   * Runs `handler` for every message and commits each once its handler resolved. Messages
   * of a partition (or of a key, with `orderBy: 'key'`) are handled one after another; up to
   * `concurrency` partitions are handled at once. A failing handler is retried with backoff,
   * then the message goes to `onFailed` (see {@link SubscribeOptions}); other partitions are
   * not affected. `stop()` drains and leaves the group; `done` rejects if the consumer stops
   * on a `KafkaBusError`.
   *
   * @example
   * const subscription = bus.subscribe(Orders, (m) => bill(m.value), {
   *   groupId: 'billing',
   *   concurrency: 8,
   *   onFailed: (error, m) => parkForLater(m, error),
   * });
   * await subscription.stop();
   */
  subscribe<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    handler: (message: KafkaMessage<V, K>) => unknown,
    options: SubscribeOptions<V, K>,
  ): ManagedSubscription;

  /**
   * Reads stored messages without touching any group's committed offsets: from `from` up to
   * the end offsets when called, resolving with the first `maxMessages` in partition-offset
   * order. `commit()` on the returned messages does nothing.
   *
   * @throws KafkaBusError `NetworkTimeout` after `timeoutMs`, `InvalidConfiguration`.
   * @example
   * const recent = await bus.fetch(Orders, { from: 'beginning', maxMessages: 1_000 });
   */
  fetch<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: FetchOptions,
  ): Promise<KafkaMessage<V, K>[]>;

  /**
   * The state of every group member this bus runs (from `consume`, `consumeBatches`,
   * `subscribe` and `consumer` handles), emitted at once and then every `intervalMs`
   * (default 1 000): received, pending, committed, lag and paused partitions per member.
   *
   * @example
   * bus.consumerStats$().subscribe((members) => report(members.map((m) => m.lag)));
   */
  consumerStats$(intervalMs?: number): Observable<ConsumerStats[]>;

  /**
   * Stops every consumer: running members stop fetching and wait up to `closeDrainMs` for the
   * messages they emitted to be processed, then commit, leave the group and complete. Then it
   * delivers what sinks accepted and disconnects every pooled producer and the admin client.
   * Sends after `close()` fail with `UnrecoverableFailure`.
   */
  close(): Promise<void>;
}
