import kafkajs, { type Kafka, type KafkaConfig, type logCreator } from 'kafkajs';

import { silentLogger, type Logger } from '../../logging/logger.js';
import type { DriverConsumerConfig, DriverProducerConfig, KafkaDriver } from '../kafka-driver.js';
import { KafkajsAdmin } from './kafkajs-admin.js';
import { KafkajsConsumer } from './kafkajs-consumer.js';
import { KafkajsProducer } from './kafkajs-producer.js';

/** Options of the kafkajs driver. */
export interface KafkajsDriverOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Client id reported to the brokers. Default `kafka-rx-bus`. */
  readonly clientId?: string;
  /** Time to establish a TCP connection, in ms. Default 3 000. */
  readonly connectionTimeoutMs?: number;
  /** Time a broker has to answer a request, in ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request or connection before giving up. Default 5. */
  readonly retries?: number;
  /** Upper bound of the time spent retrying one operation, in ms. Default 30 000. */
  readonly maxRetryTimeMs?: number;
  /** TLS and SASL settings, passed to kafkajs as they are. */
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
  /** Where kafkajs's own log lines go. Silent by default. */
  readonly logger?: Logger;
}

const DEFAULT_CLIENT_ID = 'kafka-rx-bus';
const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 5;
const DEFAULT_MAX_RETRY_TIME_MS = 30_000;

/**
 * Creates the default driver, backed by kafkajs. All producers, consumers and admins it creates
 * share one kafkajs client configuration.
 *
 * @example
 * const driver = createKafkajsDriver({ brokers: ['127.0.0.1:9092'] });
 */
export function createKafkajsDriver(options: KafkajsDriverOptions): KafkaDriver {
  const logger = options.logger ?? silentLogger;
  const brokers = [...options.brokers];
  const kafka: Kafka = new kafkajs.Kafka({
    brokers,
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retry: {
      retries: options.retries ?? DEFAULT_RETRIES,
      maxRetryTime: options.maxRetryTimeMs ?? DEFAULT_MAX_RETRY_TIME_MS,
    },
    ssl: options.ssl,
    sasl: options.sasl,
    logLevel: kafkajs.logLevel.INFO,
    logCreator: toLogCreator(logger.child({ component: 'kafkajs' })),
  });

  return {
    producer: (config: DriverProducerConfig = {}) => new KafkajsProducer(kafka, brokers, config),
    consumer: (config: DriverConsumerConfig) => new KafkajsConsumer(kafka, brokers, config),
    admin: () => new KafkajsAdmin(kafka, brokers),
  };
}

function toLogCreator(logger: Logger): logCreator {
  const { logLevel } = kafkajs;
  return () => (entry) => {
    const { message, ...fields } = entry.log;
    const merged = { namespace: entry.namespace, ...fields };
    if (entry.level === logLevel.ERROR) logger.error(merged, message);
    else if (entry.level === logLevel.WARN) logger.warn(merged, message);
    else if (entry.level === logLevel.INFO) logger.info(merged, message);
    else logger.debug(merged, message);
  };
}
