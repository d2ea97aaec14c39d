import type { MessageKey } from '../topics/topic-definition.js';

/** A retry policy for one send: how often and how long to retry retriable failures. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First delay, in ms; later delays double up to `maxDelayMs`. Default 100. */
  readonly minDelayMs?: number;
  /** Largest delay, in ms. Default 5 000. */
  readonly maxDelayMs?: number;
}

/**
 * Per-send context. `messageId` and `correlationId` travel as the headers `message-id` and
 * `correlation-id`; a `messageId` is generated when absent.
 */
export interface MessageContext<K extends MessageKey = MessageKey> {
  /**
   * Unique id of the message. Default: a random prefix drawn once per producer followed by a
   * counter (see `messageIdSource`), unique without a random draw per message.
   */
  readonly messageId?: string;
  /** Id shared by messages of one business operation. */
  readonly correlationId?: string;
  /** Target partition; overrides the key's partition. */
  readonly partition?: number;
  /** Message key; overrides the topic's key function. */
  readonly key?: K;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Time the send may take before failing with `NetworkTimeout`, in ms. */
  readonly timeoutMs?: number;
  /** Retries of retriable failures, on top of the client's own. */
  readonly retry?: RetryPolicy;
  /** OpenTelemetry context to propagate; reserved for the telemetry layer. */
  readonly traceContext?: unknown;
  /** Free-form labels for metrics; reserved for the telemetry layer. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Header that carries the message id. */
export const MESSAGE_ID_HEADER = 'message-id';

/** Header that carries the correlation id. */
export const CORRELATION_ID_HEADER = 'correlation-id';
