import type { Observable } from 'rxjs';

import type { ConsumeOptions } from '../consumer/consume-options.js';
import type { ConsumeBatchesOptions } from '../consumer/consume-batches.js';
import type { ConsumerStats } from '../consumer/consumer-stats.js';
import type { FetchOptions } from '../consumer/fetch-history.js';
import type { KafkaBatch, KafkaMessage } from '../consumer/kafka-message.js';
import type { ManagedSubscription, SubscribeOptions } from '../consumer/subscribe-topic.js';
import type { TopicConsumer } from '../consumer/topic-consumer.js';
import type { DeliveryResult } from '../producer/delivery-result.js';
import type { MessageContext } from '../producer/message-context.js';
import type { TopicProducer } from '../producer/topic-producer.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';

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
    value: V,
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
    values: readonly V[],
    context?: MessageContext<K>,
  ): Promise<DeliveryResult[]>;

  /** The typed producer of a topic, for code that sends to it repeatedly. */
  producer<V, K extends MessageKey>(topic: TopicDefinition<V, K>): TopicProducer<V, K>;

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
   * Stops every consumer (committing what was processed), then disconnects the producer and
   * the admin client. Running consumers first stop fetching and wait up to `closeDrainMs` for
   * the messages they emitted to be processed, then commit, leave the group and complete.
   * Sends after `close()` fail with `UnrecoverableFailure`.
   */
  close(): Promise<void>;
}
