/**
 * kafka-rx-bus: a typed, reactive message bus over Apache Kafka. Consumers are RxJS
 * Observables, producers are sinks and operators, values are Avro in the Confluent wire format.
 *
 * @packageDocumentation
 */
export { createMessageBus } from './bus/create-message-bus.js';
export type { MessageBus, PublishOptions, SinkSettings } from './bus/message-bus.js';
export type { MessageBusOptions } from './bus/message-bus-options.js';

export { defineTopic, type TopicOptions } from './topics/define-topic.js';
export type { AvroValue } from './topics/avro-value.js';
export type {
  AvroSchema,
  MessageKey,
  TopicDefinition,
  TopicKey,
  TopicValue,
} from './topics/topic-definition.js';

export type { ConsumeOptions } from './consumer/consume-options.js';
export type { KafkaBatch, KafkaMessage, ReceivedContext } from './consumer/kafka-message.js';
export type { ConsumeBatchesOptions } from './consumer/consume-batches.js';
export type { ConsumerState, ConsumerStats, PartitionStats } from './consumer/consumer-stats.js';
export type { FetchFrom, FetchOptions } from './consumer/fetch-history.js';
export type { ManagedSubscription, SubscribeOptions } from './consumer/subscribe-topic.js';
export type { TopicConsumer } from './consumer/topic-consumer.js';

export type { DeliveryResult } from './producer/delivery-result.js';
export {
  CORRELATION_ID_HEADER,
  MESSAGE_ID_HEADER,
  type MessageContext,
  type RetryPolicy,
} from './producer/message-context.js';
export type { TopicProducer } from './producer/topic-producer.js';
export type { DeliveryOutcome } from './producer/delivery-outcome.js';
export type { ProducerSink, SinkOptions } from './producer/producer-sink.js';
export type {
  Partitioner,
  PartitionerInput,
  ProducerOptions,
  ProducerSettings,
} from './producer/partitioner.js';
export type { ProducerStats } from './producer/producer-stats.js';
export { ProducerPool, type ProducerLease } from './producer/producer-pool.js';
export type { ProducerPoolOptions, ProducerPoolState } from './producer/producer-pool-options.js';
export { partitionForKey, murmur2 } from './producer/murmur2.js';

export {
  isKafkaBusError,
  KafkaBusError,
  type KafkaBusErrorInit,
  type KafkaCoordinates,
} from './errors/kafka-bus-error.js';
export {
  errorCategory,
  KafkaErrorType,
  type KafkaErrorCategory,
} from './errors/kafka-error-type.js';

export { silentLogger, type LogFields, type Logger } from './logging/logger.js';

export {
  SchemaRegistryClient,
  type SchemaRegistryOptions,
} from './serde/schema-registry-client.js';
export type {
  CompatibilityLevel,
  RegisteredSchema,
  SchemaRegistry,
} from './serde/schema-registry.js';
export { HEADER_SIZE, MAGIC_BYTE } from './serde/wire-format.js';
export type {
  MonitoredSchemaCache,
  SchemaCacheBreach,
  SchemaCacheStats,
  SchemaCacheThresholds,
} from './serde/monitored-schema-cache.js';
export type { SubjectNameStrategy, SubjectRole } from './serde/subject-name-strategy.js';
export { SchemaVersionManager, type SchemaCheck } from './serde/schema-version-manager.js';

export { createKafkajsDriver, type KafkajsDriverOptions } from './driver/kafkajs/kafkajs-driver.js';
export type * from './driver/kafka-driver.js';
