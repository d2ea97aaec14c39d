import type { RecordHeaders } from '../driver/kafka-driver.js';
import type { MessageKey } from '../topics/topic-definition.js';

/** Ids that came with a message, read from its headers. */
export interface ReceivedContext {
  /** The `message-id` header, when present. */
  readonly messageId?: string;
  /** The `correlation-id` header, when present. */
  readonly correlationId?: string;
}

/**
 * A decoded message, as `bus.consume` emits it.
 *
 * Call `commit()` once the message is processed. The offset is committed only when it and
 * every earlier message of its partition delivered to this consumer are processed, so acks may
 * come in any order without losing at-least-once delivery.
 */
export interface KafkaMessage<V, K extends MessageKey = string> {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
  /** The key, decoded as the topic's key type; `null` when the message has none. */
  readonly key: K | null;
  readonly value: V;
  /** Raw header values. */
  readonly headers: RecordHeaders;
  /** Create or log-append time, in ms since the epoch. */
  readonly timestamp: number;
  readonly context: ReceivedContext;
  /**
   * Marks the message processed and resolves when a commit covering it was sent (commits are
   * coalesced). Resolves without committing when the partition was revoked meanwhile: the new
   * owner will receive the message again. During a rebalance it may resolve before the
   * commit is sent: the offset is then committed after the new assignment if the partition
   * stayed here. Calling it twice is harmless.
   */
  commit(): Promise<void>;
}

/** Messages of one topic handed over together, as `bus.consumeBatches` emits them. */
export interface KafkaBatch<V, K extends MessageKey = string> {
  readonly messages: readonly KafkaMessage<V, K>[];
  /** Commits every message of the batch. */
  commit(): Promise<void>;
}
