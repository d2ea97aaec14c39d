import { interval, map, type Observable, startWith } from 'rxjs';

import { consumeBatches, type ConsumeBatchesOptions } from '../consumer/consume-batches.js';
import {
  CONSUME_DEFAULTS,
  validateConsumeOptions,
  type ConsumeOptions,
} from '../consumer/consume-options.js';
import { consumeTopic, type ConsumeTopicDeps } from '../consumer/consume-topic.js';
import type { ConsumerStats } from '../consumer/consumer-stats.js';
import { fetchHistory, type FetchOptions } from '../consumer/fetch-history.js';
import type { KafkaBatch, KafkaMessage } from '../consumer/kafka-message.js';
import {
  subscribeTopic,
  type ManagedSubscription,
  type SubscribeOptions,
} from '../consumer/subscribe-topic.js';
import { createTopicConsumer, type TopicConsumer } from '../consumer/topic-consumer.js';
import type { KafkaDriver } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { TopicAdmin } from './topic-admin.js';

/** What the consumer side of the bus is built on. */
export interface BusConsumersDeps {
  readonly driver: KafkaDriver;
  readonly serializers: SerializerManager;
  readonly admin: TopicAdmin;
  readonly logger: Logger;
}

/**
 * The consumer side of the bus: every way of reading a topic, the pool of consumer handles
 * (by group and topic), and the registry of running members that `stats$` reports and
 * `close()` stops.
 */
export class BusConsumers {
  readonly #deps: BusConsumersDeps;
  readonly #consumers = new Map<string, TopicConsumer<unknown, MessageKey>>();
  readonly #running = new Map<() => Promise<void>, () => ConsumerStats>();
  readonly #stopping = new Set<Promise<void>>();

  constructor(deps: BusConsumersDeps) {
    this.#deps = deps;
  }

  /** A cold Observable of the topic's messages; see `MessageBus.consume`. */
  consume<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): Observable<KafkaMessage<V, K>> {
    validateConsumeOptions(options);
    return consumeTopic(topic, options, this.#sessionDeps(options));
  }

  /** The pooled handle of one group member; see `MessageBus.consumer`. */
  consumer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): TopicConsumer<V, K> {
    validateConsumeOptions(options);
    const key = `${options.groupId}\u0000${topic.name}`;
    let consumer = this.#consumers.get(key);
    if (!consumer || consumer.topic !== topic) {
      consumer = createTopicConsumer(topic, options, this.#sessionDeps(options));
      this.#consumers.set(key, consumer as TopicConsumer<unknown, MessageKey>);
    }
    return consumer as TopicConsumer<V, K>;
  }

  /** A cold Observable of batches; see `MessageBus.consumeBatches`. */
  consumeBatches<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeBatchesOptions,
  ): Observable<KafkaBatch<V, K>> {
    validateConsumeOptions(options);
    return consumeBatches(topic, options, this.#sessionDeps(options));
  }

  /** A managed handler; see `MessageBus.subscribe`. */
  subscribe<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    handler: (message: KafkaMessage<V, K>) => unknown,
    options: SubscribeOptions<V, K>,
  ): ManagedSubscription {
    validateConsumeOptions(options);
    return subscribeTopic(topic, handler, options, this.#sessionDeps(options));
  }

  /** Reads history without committing; see `MessageBus.fetch`. */
  fetch<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: FetchOptions,
  ): Promise<KafkaMessage<V, K>[]> {
    const { admin } = this.#deps;
    return fetchHistory(topic, options, { ...this.#base(), admin: () => admin.connection() });
  }

  /** The state of every running member, at once and then every `intervalMs`. */
  stats$(intervalMs: number = CONSUME_DEFAULTS.statsIntervalMs): Observable<ConsumerStats[]> {
    return interval(intervalMs).pipe(
      startWith(0),
      map(() => [...this.#running.values()].map((stats) => stats())),
    );
  }

  /** Stops every running member (each drains, commits and leaves its group). */
  async close(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((stop) => stop()));
    await Promise.all(this.#stopping);
  }

  #base() {
    const { driver, serializers, admin, logger } = this.#deps;
    return { driver, serializers, logger, ensureTopic: admin.ensure.bind(admin) };
  }

  #sessionDeps(options: ConsumeOptions): ConsumeTopicDeps {
    const drainMs = options.closeDrainMs ?? CONSUME_DEFAULTS.closeDrainMs;
    return {
      ...this.#base(),
      onStopping: (stopped) => {
        this.#stopping.add(stopped);
        void stopped.finally(() => this.#stopping.delete(stopped));
      },
      onRunning: (stop, stats) => {
        const entry = () => stop(drainMs);
        this.#running.set(entry, stats);
        return () => this.#running.delete(entry);
      },
    };
  }
}
