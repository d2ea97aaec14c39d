/**
 * Stream operators of kafka-rx-bus, usable on any Observable.
 *
 * @packageDocumentation
 */
export { batchBy, type BatchByOptions } from './operators/batch-by.js';
export { sendInBatches, type SendInBatchesOptions } from './operators/send-in-batches.js';
