/**
 * The kinds of failure the bus distinguishes. Code branches on these, never on message text.
 *
 * - transient (retriable): `NetworkTimeout`, `BrokerUnavailable`, `ProducerQueueFull`
 * - configuration (fix the settings): `InvalidConfiguration`, `AuthenticationFailure`,
 *   `AuthorizationFailure`
 * - data (route to the dead-letter topic): `SerializationFailure`, `SchemaIncompatible`,
 *   `MessageTooLarge`
 * - fatal (stop): `CorruptedMessage`, `UnrecoverableFailure`
 */
export const KafkaErrorType = {
  NetworkTimeout: 'NetworkTimeout',
  BrokerUnavailable: 'BrokerUnavailable',
  ProducerQueueFull: 'ProducerQueueFull',
  InvalidConfiguration: 'InvalidConfiguration',
  AuthenticationFailure: 'AuthenticationFailure',
  AuthorizationFailure: 'AuthorizationFailure',
  SerializationFailure: 'SerializationFailure',
  SchemaIncompatible: 'SchemaIncompatible',
  MessageTooLarge: 'MessageTooLarge',
  CorruptedMessage: 'CorruptedMessage',
  UnrecoverableFailure: 'UnrecoverableFailure',
} as const;

/** One of the {@link KafkaErrorType} values. */
export type KafkaErrorType = (typeof KafkaErrorType)[keyof typeof KafkaErrorType];

/** The broad family of an error type: what a caller should do about it. */
export type KafkaErrorCategory = 'transient' | 'configuration' | 'data' | 'fatal';

const CATEGORY: Readonly<Record<KafkaErrorType, KafkaErrorCategory>> = {
  NetworkTimeout: 'transient',
  BrokerUnavailable: 'transient',
  ProducerQueueFull: 'transient',
  InvalidConfiguration: 'configuration',
  AuthenticationFailure: 'configuration',
  AuthorizationFailure: 'configuration',
  SerializationFailure: 'data',
  SchemaIncompatible: 'data',
  MessageTooLarge: 'data',
  CorruptedMessage: 'fatal',
  UnrecoverableFailure: 'fatal',
};

/**
 * Returns the family of an error type.
 *
 * @example
 * errorCategory('BrokerUnavailable'); // 'transient'
 */
export function errorCategory(type: KafkaErrorType): KafkaErrorCategory {
  return CATEGORY[type];
}
