import type { ConsumeBatchesOptions } from '../consumer/consume-batches.js';
import type { ConsumeOptions } from '../consumer/consume-options.js';
import type { FetchOptions } from '../consumer/fetch-history.js';
import type { KafkaMessage } from '../consumer/kafka-message.js';
import type { SubscribeOptions } from '../consumer/subscribe-topic.js';
import type { KafkaDriver } from '../driver/kafka-driver.js';
import { createKafkajsDriver } from '../driver/kafkajs/kafkajs-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { MessageContext } from '../producer/message-context.js';
import type { ProducerOptions } from '../producer/partitioner.js';
import type { ProducerPool } from '../producer/producer-pool.js';
import type { MonitoredSchemaCache } from '../serde/monitored-schema-cache.js';
import type { SchemaRegistry } from '../serde/schema-registry.js';
import { SchemaRegistryClient } from '../serde/schema-registry-client.js';
import { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { BusConsumers } from './bus-consumers.js';
import { BusProducers } from './bus-producers.js';
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
  readonly #serializers: SerializerManager;
  readonly #admin: TopicAdmin;
  readonly #producers: BusProducers;
  readonly #consumers: BusConsumers;
  readonly #preload: readonly TopicDefinition<unknown, MessageKey>[];
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(options: MessageBusOptions) {
    this.#logger = options.logger ?? silentLogger;
    const driver = options.driver ?? defaultDriver(options, this.#logger);
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
    this.#admin = new TopicAdmin(driver, options.createTopics ?? true, this.#logger);
    const shared = { driver, serializers: this.#serializers, admin: this.#admin };
    this.#producers = new BusProducers({ ...shared, options, logger: this.#logger });
    this.#consumers = new BusConsumers({ ...shared, logger: this.#logger });
  }

  get producerPool(): ProducerPool {
    return this.#producers.pool;
  }

  get schemaCache(): MonitoredSchemaCache {
    return this.#serializers.cache;
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

  sink<V, K extends MessageKey>(topic: TopicDefinition<V, K>, options: SinkSettings<V, K> = {}) {
    this.#assertOpen();
    return this.#producers.sink(topic, options);
  }

  publish<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: PublishOptions<V, K> = {},
  ) {
    this.#assertOpen();
    return this.#producers.publish(topic, options);
  }

  producer<V, K extends MessageKey>(topic: TopicDefinition<V, K>, options?: ProducerOptions<V>) {
    this.#assertOpen();
    return this.#producers.producer(topic, options);
  }

  consume<V, K extends MessageKey>(topic: TopicDefinition<V, K>, options: ConsumeOptions) {
    this.#assertOpen();
    return this.#consumers.consume(topic, options);
  }

  consumer<V, K extends MessageKey>(topic: TopicDefinition<V, K>, options: ConsumeOptions) {
    this.#assertOpen();
    return this.#consumers.consumer(topic, options);
  }

  consumeBatches<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    options: ConsumeBatchesOptions,
  ) {
    this.#assertOpen();
    return this.#consumers.consumeBatches(topic, options);
  }

  subscribe<V, K extends MessageKey>(
    topic: TopicDefinition<V, K>,
    handler: (message: KafkaMessage<V, K>) => unknown,
    options: SubscribeOptions<V, K>,
  ) {
    this.#assertOpen();
    return this.#consumers.subscribe(topic, handler, options);
  }

  fetch<V, K extends MessageKey>(topic: TopicDefinition<V, K>, options: FetchOptions = {}) {
    this.#assertOpen();
    return this.#consumers.fetch(topic, options);
  }

  consumerStats$(intervalMs?: number) {
    return this.#consumers.stats$(intervalMs);
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
    await this.#consumers.close();
    await this.#producers.close();
    await this.#admin.close();
    this.#logger.info({}, 'bus closed');
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
