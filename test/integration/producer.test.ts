import { readFileSync } from 'node:fs';

import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import { defineTopic, KafkaBusError } from '../../src/index.js';
import { HEADER_SIZE } from '../../src/serde/wire-format.js';
import { readRaw, recordCount, testBus, uniqueTopic } from '../support/integration.js';

interface Tick {
  id: string;
  note: string;
}

const tickSchema = {
  type: 'record',
  name: 'Tick',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: 'string' },
  ],
};
const tickType = avro.Type.forSchema(tickSchema as avro.Schema);

interface JavaReference {
  key: string;
  partitions: Record<string, number>;
}
const javaReference = JSON.parse(
  readFileSync(new URL('../fixtures/murmur2-java.json', import.meta.url), 'utf8'),
) as JavaReference[];

/** Every record of a topic as [partition, key, decoded id], read with an independent client. */
async function readAll(topic: string, count: number) {
  return (await readRaw(topic, count)).map((m) => ({
    partition: m.partition,
    key: m.key?.toString() ?? null,
    id: (tickType.fromBuffer(m.value!.subarray(HEADER_SIZE)) as Tick).id,
  }));
}

describe('producer against the broker', () => {
  it('stores values on the requested partition and keys where the Java client would', async () => {
    const Ticks = defineTopic<Tick>({
      name: uniqueTopic('place'),
      value: tickSchema,
      key: (t) => t.id,
      partitions: 12,
    });
    const bus = testBus();
    const keys = javaReference.slice(0, 20).map((r) => r.key);
    const keyed = await bus.sendBatch(
      Ticks,
      keys.map((id) => ({ id, note: 'keyed' })),
    );
    const targeted = await bus.send(Ticks, { id: 'x', note: 'targeted' }, { partition: 7 });

    expect(keyed.map((d) => d.partition)).toEqual(
      javaReference.slice(0, 20).map((r) => r.partitions['12']),
    );
    expect(targeted.partition).toBe(7);
    const stored = await readAll(Ticks.name, 21);
    const where = new Map(stored.map((s) => [s.id, s.partition]));
    for (const reference of javaReference.slice(0, 20)) {
      expect(where.get(reference.key)).toBe(reference.partitions['12']);
    }
    expect(where.get('x')).toBe(7);
  });

  it('places values with a custom partitioner', async () => {
    const Ticks = defineTopic<Tick>({
      name: uniqueTopic('custom'),
      value: tickSchema,
      partitions: 3,
    });
    const bus = testBus();
    const producer = bus.producer(Ticks, { partitioner: ({ value }) => Number(value.id) % 3 });
    const results = await producer.sendBatch(['4', '5', '6'].map((id) => ({ id, note: '' })));
    expect(results.map((r) => r.partition)).toEqual([1, 2, 0]);
    const stored = await readAll(Ticks.name, 3);
    expect(new Map(stored.map((s) => [s.id, s.partition]))).toEqual(
      new Map([
        ['4', 1],
        ['5', 2],
        ['6', 0],
      ]),
    );
  });

  it('fails an oversize value with MessageTooLarge and still delivers its neighbours', async () => {
    const Ticks = defineTopic<Tick>({ name: uniqueTopic('large'), value: tickSchema });
    const bus = testBus();
    const huge = { id: 'huge', note: 'x'.repeat(2_000_000) };
    const outcomes = await bus.sendBatchSettled(Ticks, [
      { id: 'before', note: '' },
      huge,
      { id: 'after', note: '' },
    ]);

    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const failure = outcomes[1]!;
    if (failure.ok) throw new Error('unreachable');
    expect(failure.error.type).toBe('MessageTooLarge');
    expect(failure.error.message).toMatch(/2000\d{3} bytes exceeds the limit of 1048588 bytes/);
    expect((await readAll(Ticks.name, 2)).map((s) => s.id)).toEqual(['before', 'after']);

    const thrown = await bus.send(Ticks, huge).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(KafkaBusError);
    expect((thrown as KafkaBusError).type).toBe('MessageTooLarge');
  });

  it('names an unknown topic when auto-creation is off', async () => {
    const name = uniqueTopic('missing');
    const Ticks = defineTopic<Tick>({ name, value: tickSchema });
    const bus = testBus({ createTopics: false });
    const error = (await bus.send(Ticks, { id: 'a', note: '' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(KafkaBusError);
    expect((error as KafkaBusError).type).toBe('InvalidConfiguration');
    expect(error.message).toContain(name);
  });

  it('delivers 100 000 values fed to a sink exactly once', async () => {
    const Ticks = defineTopic<Tick>({
      name: uniqueTopic('sink'),
      value: tickSchema,
      key: (t) => t.id,
      partitions: 6,
    });
    const bus = testBus();
    const failures: KafkaBusError[] = [];
    const sink = bus.sink(Ticks, { maxBatchSize: 1_000, onError: (e) => failures.push(e) });
    const ids = Array.from({ length: 100_000 }, (_, n) => `t-${n}`);
    let delivered = 0;
    sink.outcomes$.subscribe((o) => (delivered += o.ok ? 1 : 0));

    // A hot source: bursts of 5 000 values per macrotask while earlier batches are in flight.
    for (let at = 0; at < ids.length; at += 5_000) {
      for (const id of ids.slice(at, at + 5_000)) sink.next({ id, note: 'load' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    sink.complete();
    await sink.done;

    expect(failures).toEqual([]);
    expect(delivered).toBe(ids.length);
    const stored = await readAll(Ticks.name, ids.length);
    const storedIds = stored.map((s) => s.id);
    expect(storedIds.length).toBe(ids.length);
    expect(new Set(storedIds)).toEqual(new Set(ids));
    const stats = bus.producer(Ticks).stats();
    expect(stats.sent).toBe(ids.length);
    expect(stats.failed).toBe(0);
  });

  it('delivers what a sink accepted when the bus closes', async () => {
    const Ticks = defineTopic<Tick>({ name: uniqueTopic('close'), value: tickSchema });
    const bus = testBus();
    const sink = bus.sink(Ticks, { maxBatchSize: 10_000, maxWaitMs: 600_000 });
    for (let n = 0; n < 50; n += 1) sink.next({ id: `c-${n}`, note: '' });
    await bus.close();
    expect(await recordCount(Ticks.name)).toBe(50);
    const refused: string[] = [];
    sink.outcomes$.subscribe((o) => !o.ok && refused.push(o.error.type));
    sink.next({ id: 'late', note: '' });
    expect(refused).toEqual(['UnrecoverableFailure']);
  });

  it('publishes a cold source, emitting a delivery result per value in order', async () => {
    const Ticks = defineTopic<Tick>({ name: uniqueTopic('publish'), value: tickSchema });
    const bus = testBus();
    const { from, lastValueFrom, toArray } = await import('rxjs');
    const values = Array.from({ length: 2_500 }, (_, n) => ({ id: `p-${n}`, note: '' }));
    const results = await lastValueFrom(
      from(values).pipe(bus.publish(Ticks, { maxBatchSize: 300 }), toArray()),
    );
    // Keyless batches rotate over partitions; within each, offsets follow input order.
    expect(results).toHaveLength(values.length);
    const perPartition = new Map<number, number[]>();
    for (const r of results)
      perPartition.set(r.partition, [...(perPartition.get(r.partition) ?? []), Number(r.offset)]);
    for (const offsets of perPartition.values()) {
      expect(offsets).toEqual(offsets.map((_, n) => n));
    }
    expect(await recordCount(Ticks.name)).toBe(values.length);
  });
});
