/** Where a sent message was stored. */
export interface DeliveryResult {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
  /** Broker log-append time or the create time, in ms since the epoch, when known. */
  readonly timestamp?: number;
  /** The message id header value. */
  readonly messageId: string;
}
