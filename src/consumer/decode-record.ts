import type { FetchedRecord } from '../driver/kafka-driver.js';
import { CORRELATION_ID_HEADER, MESSAGE_ID_HEADER } from '../producer/message-context.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { KafkaMessage } from './kafka-message.js';

/**
 * Loads the writer schemas of a batch's values (and keys, for topics with a key schema) that
 * are not cached yet, so that {@link decodeRecord} runs synchronously over the batch.
 *
 * @throws KafkaBusError `BrokerUnavailable` / `NetworkTimeout` when the registry is away.
 */
export async function prepareRecords(
  topic: TopicDefinition<unknown, MessageKey>,
  serializers: SerializerManager,
  records: readonly FetchedRecord[],
): Promise<void> {
  await serializers.prepareDecoding(records.map((r) => r.value));
  if (topic.keySchema) await serializers.prepareDecoding(records.map((r) => r.key));
}

/**
 * Turns a fetched record into a typed message whose `commit()` is `commit`. The record's
 * schema must have been loaded with `prepareDecoding`.
 *
 * @throws KafkaBusError `CorruptedMessage` (with the record's coordinates) for bytes that
 *   cannot be decoded.
 */
export function decodeRecord<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  serializers: SerializerManager,
  record: FetchedRecord,
  commit: () => Promise<void>,
): KafkaMessage<V, K> {
  const value = serializers.decode(topic, record.value, record) as V;
  const key = serializers.decodeKey(topic, record.key, record) as K | null;
  const messageId = record.headers[MESSAGE_ID_HEADER]?.toString();
  const correlationId = record.headers[CORRELATION_ID_HEADER]?.toString();
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key,
    value,
    headers: record.headers,
    timestamp: Number(record.timestamp),
    context: { messageId, correlationId },
    commit,
  };
}
