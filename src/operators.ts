/**
 * Stream operators of kafka-rx-bus, usable on any Observable.
 *
 * @packageDocumentation
 */
export { batchBy, type BatchByOptions } from './operators/batch-by.js';
