import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { DeliveryOutcome } from '../../src/producer/delivery-outcome.js';
import { createProducerSink } from '../../src/producer/producer-sink.js';
import { chunkRecords, type PlacedRecord } from '../../src/producer/record-chunks.js';

/** Lets a batch that was cut reach its send, which starts on the next turn of the loop. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A send whose batches stay open until released, answering each value as delivered. */
function heldSend() {
  const batches: { values: number[]; release: () => void }[] = [];
  const send = (values: number[]) =>
    new Promise<DeliveryOutcome<number>[]>((resolve) => {
      const answer = values.map((value, offset) => ({
        ok: true as const,
        value,
        result: { topic: 't', partition: 0, offset: String(offset), messageId: `m${value}` },
      }));
      batches.push({ values, release: () => resolve(answer) });
    });
  return { send, batches };
}

describe('producer sink', () => {
  it('refuses values beyond maxQueuedMessages with ProducerQueueFull and loses none', async () => {
    const { send, batches } = heldSend();
    const refused: [string, number][] = [];
    const sink = createProducerSink(
      send,
      {
        maxBatchSize: 2,
        maxInFlight: 1,
        maxQueuedMessages: 4,
        onError: (error, value) => refused.push([error.type, value]),
      },
      silentLogger,
    );
    const delivered: number[] = [];
    sink.outcomes$.subscribe((o) => o.ok && delivered.push(o.value));

    for (let value = 1; value <= 6; value += 1) sink.next(value);
    expect(refused).toEqual([
      ['ProducerQueueFull', 5],
      ['ProducerQueueFull', 6],
    ]);
    await nextTurn();
    expect(batches.map((b) => b.values)).toEqual([[1, 2]]);
    expect(sink.queued).toBe(4);

    sink.complete();
    batches[0]!.release();
    await new Promise((r) => setTimeout(r, 0));
    await nextTurn();
    batches[1]!.release();
    await sink.done;
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(sink.queued).toBe(0);
  });

  it('reports every value of a failed batch, and refuses values after close', async () => {
    const failure = new KafkaBusError('gone', { type: 'BrokerUnavailable' });
    const failed: number[] = [];
    const sink = createProducerSink<number>(
      () => Promise.reject(failure),
      { maxBatchSize: 10, maxWaitMs: 1, onError: (_, value) => failed.push(value) },
      silentLogger,
    );
    sink.next(1);
    sink.next(2);
    await sink.close();
    sink.next(3);
    expect(failed).toEqual([1, 2, 3]);
  });

  it('sends the buffer on flush without waiting for maxWaitMs', async () => {
    const { send, batches } = heldSend();
    const sink = createProducerSink(send, { maxBatchSize: 100, maxWaitMs: 60_000 }, silentLogger);
    sink.next(7);
    const flushed = sink.flush();
    await nextTurn();
    expect(batches.map((b) => b.values)).toEqual([[7]]);
    batches[0]!.release();
    await flushed;
    expect(sink.queued).toBe(0);
  });

  it('names an invalid option', () => {
    const { send } = heldSend();
    expect(() => createProducerSink(send, { maxBatchSize: 0 }, silentLogger)).toThrow(
      /sink: maxBatchSize/,
    );
  });
});

describe('chunkRecords', () => {
  const placed = (index: number, partition: number, size: number): PlacedRecord => ({
    index,
    size,
    record: { partition, key: null, value: Buffer.alloc(0) },
  });

  it('keeps one request while every partition fits and splits a partition that does not', () => {
    const records = [placed(0, 0, 40), placed(1, 1, 40), placed(2, 0, 40), placed(3, 0, 40)];
    const chunks = chunkRecords(records, 100);
    expect(chunks.map((c) => c.map((p) => p.index))).toEqual([[0, 1, 2], [3]]);
  });
});
