import { map, type OperatorFunction } from 'rxjs';

import type { DriverProducer, DriverProducerConfig, KafkaDriver } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import { sendInBatches } from '../operators/send-in-batches.js';
import type { DeliveryResult } from '../producer/delivery-result.js';
import type { ProducerOptions } from '../producer/partitioner.js';
import { ProducerPool } from '../producer/producer-pool.js';
import { producerKey, validateProducerConfig } from '../producer/producer-pool-options.js';
import { createProducerSink, type ProducerSink } from '../producer/producer-sink.js';
import { TopicProducer } from '../producer/topic-producer.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { PublishOptions, SinkSettings } from './message-bus.js';
import type { MessageBusOptions } from './message-bus-options.js';
import type { TopicAdmin } from './topic-admin.js';

/** What the producer side of the bus is built on. */
export interface BusProducersDeps {
  readonly driver: KafkaDriver;
  readonly serializers: SerializerManager;
  readonly admin: TopicAdmin;
  readonly options: Pick<MessageBusOptions, 'producer' | 'producerPool'>;
  readonly logger: Logger;
}

/**
 * The producer side of the bus: typed producers cached per topic and settings, sinks and the
 * publish operator, all sending through one pool of driver producers.
 */
export class BusProducers {
  readonly #deps: BusProducersDeps;
  readonly #pool: ProducerPool;
  readonly #defaults: DriverProducerConfig;
  readonly #producers = new Map<string, TopicProducer<unknown, MessageKey>>();
  readonly #customProducers = new Set<TopicProducer<never, MessageKey>>();
  readonly #sinks = new Set<{ close(): Promise<void> }>();

  constructor(deps: BusProducersDeps) {
    this.#deps = deps;
    const poolLogger = deps.logger.child({ component: 'producer-pool' });
    this.#pool = new ProducerPool(deps.driver, deps.options.producerPool, poolLogger);
    // Spelled out so that every driver gets the safe defaults, not only the kafkajs one.
    this.#defaults = { idempotent: true, acks: -1, ...deps.options.producer };
  }

  /** The pool of driver producers. */
  get pool(): ProducerPool {
    return this.#pool;
  }

  /** The typed producer of a topic for the given settings; one per topic and settings. */
  producer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: ProducerOptions<V>,
  ): TopicProducer<V, K> {
    const settings = this.#settingsOf(options);
    if (options?.partitioner) {
      const custom = new TopicProducer<V, K>(topic, this.#producerDeps(settings), options);
      this.#customProducers.add(custom as unknown as TopicProducer<never, MessageKey>);
      return custom;
    }
    const cacheKey = `${topic.name}\u0000${producerKey(settings)}`;
    let producer = this.#producers.get(cacheKey);
    if (!producer || producer.topic !== topic) {
      producer = new TopicProducer<unknown, MessageKey>(topic, this.#producerDeps(settings));
      this.#producers.set(cacheKey, producer);
    }
    return producer as unknown as TopicProducer<V, K>;
  }

  /** A batching sink on the topic's producer; `close()` of the bus delivers what it accepted. */
  sink<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: SinkSettings<V, K>,
  ): ProducerSink<V> {
    const producer = this.producer(topic, options);
    const { context } = options;
    const sink = createProducerSink<V>(
      (values) => producer.sendBatchSettled(values, context),
      options as SinkSettings<V, never>,
      this.#deps.logger.child({ component: 'sink', topic: topic.name }),
    );
    this.#sinks.add(sink);
    void sink.done.catch(() => undefined).finally(() => this.#sinks.delete(sink));
    return sink;
  }

  /** An operator that sends each value and emits its delivery, failing on the first error. */
  publish<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: PublishOptions<V, K>,
  ): OperatorFunction<V, DeliveryResult> {
    const producer = this.producer(topic, options);
    return (source) =>
      source.pipe(
        sendInBatches((values: V[]) => producer.sendBatchSettled(values, options.context), options),
        map((outcome) => {
          if (!outcome.ok) throw outcome.error;
          return outcome.result;
        }),
      );
  }

  /** Delivers what sinks accepted, flushes every producer, then closes the pool. */
  async close(): Promise<void> {
    await Promise.all([...this.#sinks].map((sink) => sink.close()));
    const producers = [...this.#producers.values(), ...this.#customProducers];
    await Promise.all(producers.map((p) => p.flush()));
    for (const p of producers) p.close();
    await this.#pool.close();
  }

  #settingsOf(options: ProducerOptions<never> | undefined): DriverProducerConfig {
    if (!options) return this.#defaults;
    const { acks, idempotent, compression } = options;
    if (acks === undefined && idempotent === undefined && compression === undefined) {
      return this.#defaults;
    }
    const settings = { ...this.#defaults };
    if (acks !== undefined) settings.acks = acks;
    if (idempotent !== undefined) settings.idempotent = idempotent;
    if (compression !== undefined) settings.compression = compression;
    validateProducerConfig(settings, 'producer');
    return settings;
  }

  #producerDeps(settings: DriverProducerConfig) {
    const { admin, serializers } = this.#deps;
    return {
      withProducer: <T>(work: (p: DriverProducer) => Promise<T>) => this.#pool.use(settings, work),
      serializers,
      partitionCount: (t: TopicDefinition<unknown, MessageKey>) => admin.ensure(t),
      maxMessageBytes: (t: TopicDefinition<unknown, MessageKey>) => admin.maxMessageBytes(t),
    };
  }
}
