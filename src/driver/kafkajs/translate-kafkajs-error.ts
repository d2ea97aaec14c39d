import kafkajs from 'kafkajs';

import { KafkaBusError, type KafkaCoordinates } from '../../errors/kafka-bus-error.js';
import type { KafkaErrorType } from '../../errors/kafka-error-type.js';

const {
  KafkaJSAggregateError,
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSTimeout,
  KafkaJSTopicMetadataNotLoaded,
} = kafkajs;

/** Kafka protocol error names (as kafkajs spells them) that map to a bus error type. */
const PROTOCOL_TYPES: Readonly<Record<string, KafkaErrorType>> = {
  MESSAGE_TOO_LARGE: 'MessageTooLarge',
  RECORD_LIST_TOO_LARGE: 'MessageTooLarge',
  UNKNOWN_TOPIC_OR_PARTITION: 'InvalidConfiguration',
  INVALID_TOPIC_EXCEPTION: 'InvalidConfiguration',
  INVALID_PARTITIONS: 'InvalidConfiguration',
  INVALID_REQUIRED_ACKS: 'InvalidConfiguration',
  TOPIC_AUTHORIZATION_FAILED: 'AuthorizationFailure',
  GROUP_AUTHORIZATION_FAILED: 'AuthorizationFailure',
  CLUSTER_AUTHORIZATION_FAILED: 'AuthorizationFailure',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'AuthorizationFailure',
  SASL_AUTHENTICATION_FAILED: 'AuthenticationFailure',
  ILLEGAL_SASL_STATE: 'AuthenticationFailure',
  UNSUPPORTED_SASL_MECHANISM: 'AuthenticationFailure',
  CORRUPT_MESSAGE: 'CorruptedMessage',
  REQUEST_TIMED_OUT: 'NetworkTimeout',
};

/** What the caller was doing, to make the message say where it failed. */
export interface TranslateContext extends KafkaCoordinates {
  /** The brokers the client was configured with. */
  readonly brokers: readonly string[];
  /** A short verb phrase such as `send to orders`. */
  readonly action: string;
}

/**
 * Turns anything kafkajs throws into a {@link KafkaBusError}. Retries that kafkajs already made
 * are unwrapped to the error that caused them, and the result stays retriable when that cause
 * was transient.
 */
export function translateKafkajsError(error: unknown, context: TranslateContext): KafkaBusError {
  if (error instanceof KafkaBusError) return error;

  const root = unwrap(error);
  const type = classify(root);
  const detail = root instanceof Error ? root.message : String(root);
  const where =
    type === 'BrokerUnavailable' || type === 'NetworkTimeout'
      ? ` (brokers ${context.brokers.join(', ')})`
      : '';
  return new KafkaBusError(`Kafka could not ${context.action}${where}: ${detail}`, {
    type,
    cause: error,
    topic: context.topic,
    partition: context.partition,
    offset: context.offset,
  });
}

function unwrap(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    if (current instanceof KafkaJSNumberOfRetriesExceeded && current.cause) {
      current = current.cause;
    } else if (
      current instanceof KafkaJSNonRetriableError &&
      current.cause instanceof Error &&
      current.cause !== current
    ) {
      // The retrier wraps the error that made it stop (a refused connection, for example).
      current = current.cause;
    } else if (current instanceof KafkaJSAggregateError && current.errors.length > 0) {
      current = current.errors[0];
    } else {
      return current;
    }
  }
  return current;
}

function classify(error: unknown): KafkaErrorType {
  if (error instanceof KafkaJSProtocolError) {
    const mapped = PROTOCOL_TYPES[error.type];
    if (mapped) return mapped;
    return error.retriable ? 'BrokerUnavailable' : 'UnrecoverableFailure';
  }
  if (error instanceof KafkaJSSASLAuthenticationError) return 'AuthenticationFailure';
  if (error instanceof KafkaJSRequestTimeoutError || error instanceof KafkaJSTimeout) {
    return 'NetworkTimeout';
  }
  if (error instanceof KafkaJSConnectionError || error instanceof KafkaJSBrokerNotFound) {
    return 'BrokerUnavailable';
  }
  if (error instanceof KafkaJSTopicMetadataNotLoaded) return 'InvalidConfiguration';
  if (error instanceof KafkaJSError && error.retriable) return 'BrokerUnavailable';
  if (isNodeNetworkError(error)) return 'BrokerUnavailable';
  return 'UnrecoverableFailure';
}

function isNodeNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONN|EHOST|ENET|ETIMEDOUT|EPIPE|EAI_)/.test(code);
}
