import type { FetchedRecord, TopicPartitionOffset } from '../driver/kafka-driver.js';
import { CORRELATION_ID_HEADER, MESSAGE_ID_HEADER } from '../producer/message-context.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { KafkaMessage } from './kafka-message.js';

/**
 * Where the record being decoded sits. One object serves a whole batch: the offset is set
 * before each record, and errors copy the coordinates when they are made.
 */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  offset: string;
}

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
 * Turns a fetched record into a typed message whose `commit()` calls `onCommit` with it. The
 * record's schema must have been loaded with `prepareDecoding`; `where.offset` must be the
 * record's offset.
 *
 * @throws KafkaBusError `CorruptedMessage` (with the record's coordinates) for bytes that
 *   cannot be decoded.
 */
export function decodeRecord<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  serializers: SerializerManager,
  record: FetchedRecord,
  where: RecordCoordinates,
  onCommit: (message: TopicPartitionOffset) => Promise<void>,
): KafkaMessage<V, K> {
  const value = serializers.decode(topic, record.value, where) as V;
  const key = serializers.decodeKey(topic, record.key, where) as K | null;
  const headers = record.headers;
  const message: KafkaMessage<V, K> = {
    topic: where.topic,
    partition: where.partition,
    offset: record.offset,
    key,
    value,
    headers,
    timestamp: parseTimestamp(record.timestamp),
    context: {
      messageId: headers[MESSAGE_ID_HEADER]?.toString(),
      correlationId: headers[CORRELATION_ID_HEADER]?.toString(),
    },
    commit() {
      return onCommit(message);
    },
  };
  return message;
}

/** A decimal timestamp as a number, without the cost of a general number parse. */
function parseTimestamp(text: string): number {
  let result = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(text);
    result = result * 10 + digit;
  }
  return result;
}
