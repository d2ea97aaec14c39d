import type { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { DeliveryResult } from './delivery-result.js';

/**
 * What became of one value of a batch: delivered with its {@link DeliveryResult}, or failed
 * with a {@link KafkaBusError}. Every value given to a settled send gets exactly one outcome,
 * in input order, so nothing is lost silently.
 *
 * @example
 * const outcomes = await producer.sendBatchSettled(orders);
 * const failed = outcomes.filter((o) => !o.ok).map((o) => o.value);
 */
export type DeliveryOutcome<V> =
  | { readonly ok: true; readonly value: V; readonly result: DeliveryResult }
  | { readonly ok: false; readonly value: V; readonly error: KafkaBusError };
