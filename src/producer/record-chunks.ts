import type { OutgoingRecord } from '../driver/kafka-driver.js';

/** A record placed on its partition, with its position in the caller's input. */
export interface PlacedRecord {
  readonly index: number;
  readonly record: OutgoingRecord;
  /** Estimated bytes the record takes in a record batch. */
  readonly size: number;
}

/** Bytes of a v2 record batch header (base offset to record count). */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

/**
 * Upper bound of a record's own framing: length, attributes, deltas and counts as varints.
 * With the header framing below it gives an upper estimate of the bytes a record takes in an
 * uncompressed v2 record batch: a few bytes high, so a record the broker would just accept
 * may be refused on the client.
 */
export const RECORD_OVERHEAD_BYTES = 25;

/** Upper bound of one header's framing: two length varints. */
export const HEADER_OVERHEAD_BYTES = 10;

/**
 * Splits records into as few requests as possible such that each partition's share of a
 * request (which the client sends as one record batch) stays within `maxBatchBytes`. Records
 * of one partition keep their order: its first chunk is in the first request, and so on, so
 * sending the requests one after the other keeps per-partition order.
 */
export function chunkRecords(
  records: readonly PlacedRecord[],
  maxBatchBytes: number,
): PlacedRecord[][] {
  const chunks: PlacedRecord[][] = [];
  const chunkOf = new Map<number, number>();
  const bytesOf = new Map<number, number>();

  for (const placed of records) {
    const partition = placed.record.partition;
    let chunk = chunkOf.get(partition) ?? 0;
    const bytes = bytesOf.get(partition) ?? 0;
    if (bytes > 0 && bytes + placed.size > maxBatchBytes) {
      chunk += 1;
      chunkOf.set(partition, chunk);
      bytesOf.set(partition, placed.size);
    } else {
      chunkOf.set(partition, chunk);
      bytesOf.set(partition, bytes + placed.size);
    }
    (chunks[chunk] ??= []).push(placed);
  }
  return chunks;
}
