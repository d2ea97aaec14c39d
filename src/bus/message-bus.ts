import type { Observable } from 'rxjs';

import type { ConsumeOptions } from '../consumer/consume-options.js';
import type { KafkaMessage } from '../consumer/kafka-message.js';
import type { DeliveryResult } from '../producer/delivery-result.js';
import type { MessageContext } from '../producer/message-context.js';
import type { TopicProducer } from '../producer/topic-producer.js';
import type { MonitoredSchemaCache } from '../serde/monitored-schema-cache.js';
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
   * Stops every consumer (committing what was processed), then disconnects the producer and
   * the admin client. Sends after `close()` fail with `UnrecoverableFailure`.
   */
  close(): Promise<void>;
}
