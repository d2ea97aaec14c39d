/** An Avro schema: a JSON object, an array (union) or a primitive type name. */
export type AvroSchema = string | Readonly<Record<string, unknown>> | readonly unknown[];

/**
 * What a topic definition may use as a message key: a string or Buffer, or, when the topic has
 * a `keySchema`, any non-null value of that Avro schema (a record, a number…).
 */
export type MessageKey = PlainMessageKey | number | bigint | boolean | object;

/** A key sent as its bytes (UTF-8 for strings), on topics without a `keySchema`. */
export type PlainMessageKey = string | Buffer;

/**
 * A typed topic: its name, the Avro schema of its values, how to derive keys, and what the
 * bus needs to create it. Built by {@link defineTopic}; immutable.
 *
 * @typeParam V the value type
 * @typeParam K the key type (string or Buffer, or a value of `keySchema`)
 */
export interface TopicDefinition<V, K extends MessageKey = string> {
  /** The Kafka topic name. */
  readonly name: string;
  /** The Avro schema of values, registered under the subject `<name>-value`. */
  readonly valueSchema: AvroSchema;
  /**
   * Derives the key of a value; messages without a key spread over partitions. (Declared as a
   * method so that a definition of any value type fits where an untyped one is expected.)
   */
  key?(value: V): K;
  /**
   * The Avro schema of keys, when keys are Avro-encoded (Confluent framing, registered under
   * the key subject, `<name>-key` by default). Without it keys are plain bytes, see `keyType`.
   */
  readonly keySchema?: AvroSchema;
  /**
   * How received non-Avro keys are handed over: UTF-8 text (default) or raw bytes. Ignored
   * when `keySchema` is set.
   */
  readonly keyType: 'string' | 'buffer';
  /** Partitions the bus creates the topic with, when it creates it. */
  readonly partitions: number;
  /** Replication factor the bus creates the topic with. */
  readonly replicationFactor: number;
  /** Name of the dead-letter topic. Default `<name>.dlq`. */
  readonly dlq: string;
  /** Phantom marker of the value type; never set at run time. */
  readonly __value?: V;
}

/** Value type of a topic definition. */
export type TopicValue<T> = T extends TopicDefinition<infer V, MessageKey> ? V : never;

/** Key type of a topic definition. */
export type TopicKey<T> = T extends TopicDefinition<unknown, infer K> ? K : never;
