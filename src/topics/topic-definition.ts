/** An Avro schema: a JSON object, an array (union) or a primitive type name. */
export type AvroSchema = string | Readonly<Record<string, unknown>> | readonly unknown[];

/** What a topic definition may use as a message key. */
export type MessageKey = string | Buffer;

/**
 * A typed topic: its name, the Avro schema of its values, how to derive keys, and what the
 * bus needs to create it. Built by {@link defineTopic}; immutable.
 *
 * @typeParam V the value type
 * @typeParam K the key type (string or Buffer)
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
   * How received keys are handed over: UTF-8 text (default) or raw bytes. Avro-encoded keys
   * (subject `<topic>-key`, which the subject name strategies already name) are not offered
   * yet: keys are typed `string | Buffer` through the producer and the consumer, and Avro keys
   * need a key serde called where those build and read records.
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
