import { errorCategory, type KafkaErrorType } from './kafka-error-type.js';

/** Where in Kafka an error happened, as far as it is known. */
export interface KafkaCoordinates {
  /** Topic name. */
  readonly topic?: string;
  /** Partition number. */
  readonly partition?: number;
  /** Offset, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset?: string;
}

/** Everything a {@link KafkaBusError} is built from. */
export interface KafkaBusErrorInit extends KafkaCoordinates {
  /** What kind of failure this is. */
  readonly type: KafkaErrorType;
  /** Whether trying the same operation again may succeed. Defaults from the type. */
  readonly retriable?: boolean;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
  /** For data errors: the path of the field that was wrong, for example `items[2].price`. */
  readonly field?: string;
}

/**
 * The one error class of the bus. Every failure a caller can see is a `KafkaBusError` with a
 * `type`, a `retriable` flag, an optional `cause` and the Kafka coordinates where known. All of
 * these are enumerable, so the error logs and serialises with its context.
 *
 * @example
 * try {
 *   await bus.send(Orders, order);
 * } catch (error) {
 *   if (error instanceof KafkaBusError && error.retriable) scheduleRetry();
 * }
 */
export class KafkaBusError extends Error {
  /** What kind of failure this is. */
  readonly type: KafkaErrorType;
  /** Whether trying the same operation again may succeed. */
  readonly retriable: boolean;
  /** Topic, when known. */
  readonly topic?: string;
  /** Partition, when known. */
  readonly partition?: number;
  /** Offset as a decimal string, when known. */
  readonly offset?: string;
  /** Path of the offending field, for data errors. */
  readonly field?: string;

  constructor(message: string, init: KafkaBusErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KafkaBusError';
    this.type = init.type;
    this.retriable = init.retriable ?? errorCategory(init.type) === 'transient';
    if (init.topic !== undefined) this.topic = init.topic;
    if (init.partition !== undefined) this.partition = init.partition;
    if (init.offset !== undefined) this.offset = init.offset;
    if (init.field !== undefined) this.field = init.field;
  }
}

/**
 * Tells whether a value is a {@link KafkaBusError}, optionally of one of the given types.
 *
 * @example
 * if (isKafkaBusError(error, 'SerializationFailure')) sendToDlq(error);
 */
export function isKafkaBusError(
  value: unknown,
  ...types: readonly KafkaErrorType[]
): value is KafkaBusError {
  if (!(value instanceof KafkaBusError)) return false;
  return types.length === 0 || types.includes(value.type);
}
