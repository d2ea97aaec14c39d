import { interval, map, type Observable, type OperatorFunction, startWith } from 'rxjs';

import { consumeBatches, type ConsumeBatchesOptions } from '../consumer/consume-batches.js';
import { consumeTopic, type ConsumeTopicDeps } from '../consumer/consume-topic.js';
import {
  CONSUME_DEFAULTS,
  validateConsumeOptions,
  type ConsumeOptions,
} from '../consumer/consume-options.js';
import type { ConsumerStats } from '../consumer/consumer-stats.js';
import { fetchHistory, type FetchOptions } from '../consumer/fetch-history.js';
import type { KafkaBatch, KafkaMessage } from '../consumer/kafka-message.js';
import {
  subscribeTopic,
  type ManagedSubscription,
  type SubscribeOptions,
} from '../consumer/subscribe-topic.js';
import { createTopicConsumer, type TopicConsumer } from '../consumer/topic-consumer.js';
import type { DriverProducer, DriverProducerConfig, KafkaDriver } from '../driver/kafka-driver.js';
import { createKafkajsDriver } from '../driver/kafkajs/kafkajs-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { MessageContext } from '../producer/message-context.js';
import type { ProducerOptions } from '../producer/partitioner.js';
import { ProducerPool } from '../producer/producer-pool.js';
import { producerKey, validateProducerConfig } from '../producer/producer-pool-options.js';
import type { DeliveryResult } from '../producer/delivery-result.js';
import { createProducerSink, type ProducerSink } from '../producer/producer-sink.js';
import { TopicProducer } from '../producer/topic-producer.js';
import { sendInBatches } from '../operators/send-in-batches.js';
import type { SchemaRegistry } from '../serde/schema-registry.js';
import { SchemaRegistryClient } from '../serde/schema-registry-client.js';
import { SerializerManager } from '../serde/serializer-manager.js';
import type { MonitoredSchemaCache } from '../serde/monitored-schema-cache.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { MessageBus, PublishOptions, SinkSettings } from './message-bus.js';
import { validateBusOptions, type MessageBusOptions } from './message-bus-options.js';
import { TopicAdmin } from './topic-admin.js';

/**
 * Creates a message bus. Nothing connects until the first send or subscription; options are
 * checked now.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the option that is wrong.
 * @example
 * const bus = createMessageBus({
 *   brokers: ['127.0.0.1:9092'],
 *   schemaRegistry: { url: 'http://127.0.0.1:8081' },
 * });
 */
export function createMessageBus(options: MessageBusOptions): MessageBus {
  validateBusOptions(options);
  return new KafkaMessageBus(options);
}

class KafkaMessageBus implements MessageBus {
  readonly #logger: Logger;
  readonly #driver: KafkaDriver;
  readonly #serializers: SerializerManager;
  readonly #admin: TopicAdmin;
  readonly #producers = new Map<string, TopicProducer<unknown, MessageKey>>();
  readonly #stopping = new Set<Promise<void>>();
  readonly #sinks = new Set<{ close(): Promise<void> }>();
  readonly #customProducers = new Set<TopicProducer<never, MessageKey>>();
  readonly #pool: ProducerPool;
  readonly #producerDefaults: DriverProducerConfig;
  readonly #running = new Map<() => Promise<void>, () => ConsumerStats>();
  readonly #consumers = new Map<string, TopicConsumer<unknown, MessageKey>>();
  #closed = false;
  readonly #preload: readonly TopicDefinition<unknown, MessageKey>[];
  #ready: Promise<void> | undefined;

  constructor(options: MessageBusOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#driver = options.driver ?? defaultDriver(options, this.#logger);
    this.#serializers = new SerializerManager({
      registry: registryOf(options),
      autoRegister: options.avro?.autoRegister,
      maxCachedSchemas: options.avro?.maxCachedSchemas,
      subjectNameStrategy: options.avro?.subjectNameStrategy,
      cacheThresholds: options.avro?.cacheThresholds,
      statsIntervalMs: options.avro?.cacheStatsIntervalMs,
      logger: this.#logger,
    });
    this.#preload = options.avro?.preload ?? [];
    this.#admin = new TopicAdmin(this.#driver, options.createTopics ?? true, this.#logger);
    const poolLogger = this.#logger.child({ component: 'producer-pool' });
    this.#pool = new ProducerPool(this.#driver, options.producerPool, poolLogger);
    // Spelled out so that every driver gets the safe defaults, not only the kafkajs one.
    this.#producerDefaults = { idempotent: true, acks: -1, ...options.producer };
  }

  get producerPool(): ProducerPool {
    return this.#pool;
  }

  send<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    value: V,
    context?: MessageContext<K>,
  ) {
    return this.producer(topic).send(value, context);
  }

  sendBatch<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    values: readonly V[],
    context?: MessageContext<K>,
  ) {
    return this.producer(topic).sendBatch(values, context);
  }

  sendBatchSettled<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    values: readonly V[],
    context?: MessageContext<K>,
  ) {
    return this.producer(topic).sendBatchSettled(values, context);
  }

  sink<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: SinkSettings<V, K> = {},
  ): ProducerSink<V> {
    const producer = this.producer(topic, options);
    const { context } = options;
    const sink = createProducerSink<V>(
      (values) => producer.sendBatchSettled(values, context),
      options as SinkSettings<V, never>,
      this.#logger.child({ component: 'sink', topic: topic.name }),
    );
    this.#sinks.add(sink);
    void sink.done.catch(() => undefined).finally(() => this.#sinks.delete(sink));
    return sink;
  }

  publish<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: PublishOptions<V, K> = {},
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

  producer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options?: ProducerOptions<V>,
  ): TopicProducer<V, K> {
    this.#assertOpen();
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

  consume<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): Observable<KafkaMessage<V, K>> {
    this.#assertOpen();
    validateConsumeOptions(options);
    return consumeTopic(topic, options, this.#consumerDeps(options));
  }

  consumer<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeOptions,
  ): TopicConsumer<V, K> {
    this.#assertOpen();
    validateConsumeOptions(options);
    const key = `${options.groupId}\u0000${topic.name}`;
    let consumer = this.#consumers.get(key);
    if (!consumer || consumer.topic !== topic) {
      consumer = createTopicConsumer(topic, options, this.#consumerDeps(options));
      this.#consumers.set(key, consumer as TopicConsumer<unknown, MessageKey>);
    }
    return consumer as TopicConsumer<V, K>;
  }

  consumeBatches<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeBatchesOptions,
  ): Observable<KafkaBatch<V, K>> {
    this.#assertOpen();
    validateConsumeOptions(options);
    return consumeBatches(topic, options, this.#consumerDeps(options));
  }

  subscribe<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    handler: (message: KafkaMessage<V, K>) => unknown,
    options: SubscribeOptions<V, K>,
  ): ManagedSubscription {
    this.#assertOpen();
    validateConsumeOptions(options);
    return subscribeTopic(topic, handler, options, this.#consumerDeps(options));
  }

  fetch<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: FetchOptions = {},
  ): Promise<KafkaMessage<V, K>[]> {
    this.#assertOpen();
    return fetchHistory(topic, options, {
      driver: this.#driver,
      admin: () => this.#admin.connection(),
      serializers: this.#serializers,
      ensureTopic: (t) => this.#admin.ensure(t),
      logger: this.#logger,
    });
  }

  consumerStats$(intervalMs = CONSUME_DEFAULTS.statsIntervalMs): Observable<ConsumerStats[]> {
    return interval(intervalMs).pipe(
      startWith(0),
      map(() => [...this.#running.values()].map((stats) => stats())),
    );
  }

  #consumerDeps(options: ConsumeOptions): ConsumeTopicDeps {
    const drainMs = options.closeDrainMs ?? CONSUME_DEFAULTS.closeDrainMs;
    return {
      driver: this.#driver,
      serializers: this.#serializers,
      ensureTopic: (t) => this.#admin.ensure(t),
      logger: this.#logger,
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

  get schemaCache(): MonitoredSchemaCache {
    return this.#serializers.cache;
  }

  ready(): Promise<void> {
    this.#assertOpen();
    this.#ready ??= this.#serializers.preload(this.#preload);
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#running.keys()].map((stop) => stop()));
    await Promise.all(this.#stopping);
    await Promise.all([...this.#sinks].map((sink) => sink.close()));
    const producers = [...this.#producers.values(), ...this.#customProducers];
    await Promise.all(producers.map((p) => p.flush()));
    for (const p of producers) p.close();
    await this.#pool.close();
    await this.#admin.close();
    this.#logger.info({}, 'bus closed');
  }

  #settingsOf(options: ProducerOptions<never> | undefined): DriverProducerConfig {
    if (!options) return this.#producerDefaults;
    const { acks, idempotent, compression } = options;
    if (acks === undefined && idempotent === undefined && compression === undefined) {
      return this.#producerDefaults;
    }
    const settings = { ...this.#producerDefaults };
    if (acks !== undefined) settings.acks = acks;
    if (idempotent !== undefined) settings.idempotent = idempotent;
    if (compression !== undefined) settings.compression = compression;
    validateProducerConfig(settings, 'producer');
    return settings;
  }

  #producerDeps(settings: DriverProducerConfig) {
    return {
      withProducer: <T>(work: (p: DriverProducer) => Promise<T>) => this.#pool.use(settings, work),
      serializers: this.#serializers,
      partitionCount: (t: TopicDefinition<unknown, MessageKey>) => this.#admin.ensure(t),
      maxMessageBytes: (t: TopicDefinition<unknown, MessageKey>) => this.#admin.maxMessageBytes(t),
    };
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new KafkaBusError('The message bus is closed', { type: 'UnrecoverableFailure' });
    }
  }
}

function defaultDriver(options: MessageBusOptions, logger: Logger): KafkaDriver {
  return createKafkajsDriver({
    brokers: options.brokers ?? [],
    clientId: options.clientId,
    connectionTimeoutMs: options.connection?.timeoutMs,
    requestTimeoutMs: options.connection?.requestTimeoutMs,
    retries: options.connection?.retries,
    maxRetryTimeMs: options.connection?.maxRetryTimeMs,
    logger,
  });
}

function registryOf(options: MessageBusOptions): SchemaRegistry {
  const setting = options.schemaRegistry;
  return 'client' in setting ? setting.client : new SchemaRegistryClient(setting);
}
