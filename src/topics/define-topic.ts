import avro from 'avsc';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { AvroValue } from './avro-value.js';
import type {
  AvroSchema,
  MessageKey,
  PlainMessageKey,
  TopicDefinition,
} from './topic-definition.js';

/** Options of {@link defineTopic}. */
export interface TopicOptions<V, K extends MessageKey = string> {
  /** Kafka topic name: 1–249 characters of `a-z A-Z 0-9 . _ -`. */
  readonly name: string;
  /** Avro schema of the values (object, or its JSON text). */
  readonly value: AvroSchema;
  /** Derives the message key from a value; keys keep per-key order. */
  readonly key?: (value: V) => K;
  /**
   * Avro schema of the keys (object, or its JSON text): keys are then Avro-encoded in the
   * Confluent framing and registered under the key subject (`<name>-key` by default).
   */
  readonly keySchema?: AvroSchema;
  /** How received non-Avro keys are handed over: `'string'` (UTF-8, default) or `'buffer'`. */
  readonly keyType?: K extends Buffer ? 'buffer' : 'string';
  /** Partition count used when the bus creates the topic. Default 1. */
  readonly partitions?: number;
  /** Replication factor used when the bus creates the topic. Default 1. */
  readonly replicationFactor?: number;
  /** Dead-letter topic name. Default `<name>.dlq`. */
  readonly dlq?: string;
}

/** The key type of a key schema literal: its {@link AvroValue}, without `null`. */
type AvroKey<KS> = Extract<AvroValue<KS>, MessageKey>;

/** Keys other than strings and Buffers need a `keySchema` to be encoded with. */
type KeySchemaFor<K> = [K] extends [PlainMessageKey] ? unknown : { readonly keySchema: AvroSchema };

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const DEFAULT_PARTITIONS = 1;
const DEFAULT_REPLICATION_FACTOR = 1;

/**
 * Defines a typed topic. The definition is checked here, once: a bad name, partition count or
 * schema fails now with `InvalidConfiguration` naming the option, not at the first send.
 *
 * @example
 * interface OrderEvent { orderId: string; customerId: string; amount: number }
 * const Orders = defineTopic<OrderEvent>({
 *   name: 'orders',
 *   value: { type: 'record', name: 'OrderEvent', fields: [
 *     { name: 'orderId', type: 'string' },
 *     { name: 'customerId', type: 'string' },
 *     { name: 'amount', type: 'double' },
 *   ] },
 *   key: (order) => order.customerId,
 *   partitions: 6,
 * });
 *
 * // Or let the value type follow from the schema literal (see AvroValue for the mapping):
 * const Payments = defineTopic({
 *   name: 'payments',
 *   value: { type: 'record', name: 'Payment', fields: [{ name: 'cents', type: 'long' }] },
 * }); // TopicDefinition<{ cents: number }, string>
 *
 * // Avro keys: the key type follows from `keySchema` the same way.
 * const Invoices = defineTopic({
 *   name: 'invoices',
 *   value: { type: 'record', name: 'Invoice', fields: [{ name: 'customerId', type: 'string' }] },
 *   keySchema: {
 *     type: 'record', name: 'InvoiceKey', fields: [{ name: 'customerId', type: 'string' }],
 *   },
 *   key: (invoice) => ({ customerId: invoice.customerId }),
 * }); // TopicDefinition<{ customerId: string }, { customerId: string }>
 */
export function defineTopic<const S, const KS>(
  options: TopicOptions<AvroValue<S>, AvroKey<KS>> & {
    readonly value: S;
    readonly keySchema: KS;
  },
): TopicDefinition<AvroValue<S>, AvroKey<KS>>;
export function defineTopic<const S, K extends PlainMessageKey = string>(
  options: TopicOptions<AvroValue<S>, K> & { readonly value: S; readonly keySchema?: undefined },
): TopicDefinition<AvroValue<S>, K>;
export function defineTopic<V, K extends MessageKey = string>(
  options: TopicOptions<V, NoInfer<K>> & KeySchemaFor<NoInfer<K>>,
): TopicDefinition<V, K>;
export function defineTopic(
  options: TopicOptions<never, MessageKey>,
): TopicDefinition<unknown, MessageKey> {
  checkName('name', options.name);
  const dlq = options.dlq ?? `${options.name}.dlq`;
  checkName('dlq', dlq);
  if (dlq === options.name) invalid('dlq', `must differ from the topic name "${options.name}"`);
  const partitions = checkCount('partitions', options.partitions ?? DEFAULT_PARTITIONS);
  const replicationFactor = checkCount(
    'replicationFactor',
    options.replicationFactor ?? DEFAULT_REPLICATION_FACTOR,
  );
  if (options.key !== undefined && typeof options.key !== 'function') {
    invalid('key', 'must be a function from value to key');
  }
  const keyType = options.keyType ?? 'string';
  if (keyType !== 'string' && keyType !== 'buffer') {
    invalid('keyType', `must be 'string' or 'buffer', got ${JSON.stringify(keyType)}`);
  }
  const valueSchema = checkSchema('value', options.value);
  const keySchema =
    options.keySchema === undefined ? undefined : checkSchema('keySchema', options.keySchema);

  return Object.freeze({
    name: options.name,
    valueSchema,
    ...(keySchema === undefined ? {} : { keySchema }),
    key: options.key,
    keyType,
    partitions,
    replicationFactor,
    dlq,
  });
}

function checkName(field: string, name: unknown): void {
  if (typeof name !== 'string' || !LEGAL_TOPIC.test(name) || name === '.' || name === '..') {
    invalid(field, `must be 1-249 characters of a-z A-Z 0-9 . _ -, got ${JSON.stringify(name)}`);
  }
}

function checkCount(field: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) {
    invalid(field, `must be a positive integer, got ${JSON.stringify(count)}`);
  }
  return count;
}

function checkSchema(field: string, schema: AvroSchema): AvroSchema {
  let parsed: unknown = schema;
  if (typeof schema === 'string' && /^\s*[[{"]/.test(schema)) {
    try {
      parsed = JSON.parse(schema);
    } catch (error) {
      invalid(field, `is not valid JSON: ${(error as Error).message}`);
    }
  }
  try {
    avro.Type.forSchema(parsed as avro.Schema);
  } catch (error) {
    invalid(field, `is not a valid Avro schema: ${(error as Error).message}`);
  }
  return parsed as AvroSchema;
}

function invalid(field: string, problem: string): never {
  throw new KafkaBusError(`defineTopic: ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
