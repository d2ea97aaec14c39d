/**
 * Stream operators of kafka-rx-bus, usable on any Observable.
 *
 * @packageDocumentation
 */
export { batchBy, type BatchByOptions } from './operators/batch-by.js';
export { sendInBatches, type SendInBatchesOptions } from './operators/send-in-batches.js';
export { commitAfter, type CommitAfterOptions } from './operators/commit-after.js';
export { commitEach, type Committable } from './operators/commit-each.js';
