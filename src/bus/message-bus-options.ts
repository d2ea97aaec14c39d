import type { KafkaDriver } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Logger } from '../logging/logger.js';
import type { ProducerSettings } from '../producer/partitioner.js';
import {
  producerPoolLimits,
  validateProducerConfig,
  type ProducerPoolOptions,
} from '../producer/producer-pool-options.js';
import type { SchemaRegistry } from '../serde/schema-registry.js';
import type { SchemaRegistryOptions } from '../serde/schema-registry-client.js';
import { checkAvroOptions } from '../serde/check-avro-options.js';
import type { SchemaCacheThresholds } from '../serde/monitored-schema-cache.js';
import type { SubjectNameStrategy } from '../serde/subject-name-strategy.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';

/** Options of {@link createMessageBus}. */
export interface MessageBusOptions {
  /** Bootstrap brokers as `host:port`. Required unless a `driver` is given. */
  readonly brokers?: readonly string[];
  /** Client id reported to the brokers. Default `kafka-rx-bus`. */
  readonly clientId?: string;
  /** The Schema Registry: its URL and settings, or a ready {@link SchemaRegistry}. */
  readonly schemaRegistry: SchemaRegistryOptions | { readonly client: SchemaRegistry };
  /** Avro settings. */
  readonly avro?: {
    /** Register schemas that are missing from their subject. Default true. */
    readonly autoRegister?: boolean;
    /** Compiled writer schemas kept in memory. Default 1 000. */
    readonly maxCachedSchemas?: number;
    /** How subjects are named: `'topic'` (default), `'record'`, `'topic-record'` or a function. */
    readonly subjectNameStrategy?: SubjectNameStrategy;
    /**
     * Topics whose schemas are registered (or looked up) by `bus.ready()`, so that their first
     * messages pay no registry round trip.
     */
    readonly preload?: readonly TopicDefinition<unknown, MessageKey>[];
    /** Schema cache thresholds (for example a hit-ratio floor) reported by `stats$`. */
    readonly cacheThresholds?: SchemaCacheThresholds;
    /** How often the schema cache's `stats$` emits when nothing changes, in ms. Default 5 000. */
    readonly cacheStatsIntervalMs?: number;
  };
  /** Create a topic (with its definition's partitions) the first time it is used. Default true. */
  readonly createTopics?: boolean;
  /** Connection behaviour of the default driver. */
  readonly connection?: {
    /** Time to establish a TCP connection, in ms. Default 3 000. */
    readonly timeoutMs?: number;
    /** Time a broker has to answer, in ms. Default 30 000. */
    readonly requestTimeoutMs?: number;
    /** Retries before an operation fails with `BrokerUnavailable`. Default 5. */
    readonly retries?: number;
    /** Upper bound of time spent retrying one operation, in ms. Default 30 000. */
    readonly maxRetryTimeMs?: number;
  };
  /**
   * Default settings of the bus's producers; `bus.producer(Topic, settings)` and the sink and
   * publish options override them per producer. Default: idempotent, acks -1, no compression.
   */
  readonly producer?: ProducerSettings;
  /**
   * Sizes of the producer pool, per producer settings (see `ProducerPool`). Defaults: minSize
   * 1, maxSize 4, idleTimeoutMs 60 000, healthCheckIntervalMs 30 000, acquireTimeoutMs 30 000.
   */
  readonly producerPool?: ProducerPoolOptions;
  /** Receives the bus's logs; silent by default. */
  readonly logger?: Logger;
  /** The Kafka client port; the kafkajs driver on `brokers` by default. */
  readonly driver?: KafkaDriver;
}

const BROKER_ADDRESS = /^[^\s:]+:\d{1,5}$/;

/**
 * Checks the options once, at construction.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the offending option.
 */
export function validateBusOptions(options: MessageBusOptions): void {
  if (options === null || typeof options !== 'object') {
    invalid('options', 'must be an object');
  }
  if (options.driver === undefined) {
    const { brokers } = options;
    if (!Array.isArray(brokers) || brokers.length === 0) {
      invalid('brokers', 'must list at least one "host:port" (or pass a driver)');
    }
    const bad = brokers.find((b) => typeof b !== 'string' || !BROKER_ADDRESS.test(b));
    if (bad !== undefined) invalid('brokers', `has ${JSON.stringify(bad)}, not "host:port"`);
  }
  if (!options.schemaRegistry || typeof options.schemaRegistry !== 'object') {
    invalid('schemaRegistry', 'must give a url or a client');
  }
  checkAvroOptions(options.avro);
  const retries = options.connection?.retries;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    invalid('connection.retries', `must be a non-negative integer, got ${retries}`);
  }
  producerPoolLimits(options.producerPool);
  validateProducerConfig(options.producer ?? {}, 'producer');
}

function invalid(field: string, problem: string): never {
  throw new KafkaBusError(`createMessageBus: ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
