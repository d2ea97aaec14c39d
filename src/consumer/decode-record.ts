import type { FetchedRecord } from '../driver/kafka-driver.js';
import { CORRELATION_ID_HEADER, MESSAGE_ID_HEADER } from '../producer/message-context.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { KafkaMessage } from './kafka-message.js';

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
  const key =
    record.key === null
      ? null
      : ((topic.keyType === 'buffer' ? record.key : record.key.toString()) as K);
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
