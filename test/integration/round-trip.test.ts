import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { defineTopic, partitionForKey } from '../../src/index.js';
import { readRaw, services, testBus, uniqueTopic } from '../support/integration.js';

interface Reading {
  sensor: string;
  celsius: number;
  tags: string[];
  note: string | null;
}

const readingSchema = {
  type: 'record',
  name: 'Reading',
  namespace: 'test.kafkarxbus',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

describe('round trip through a real broker and registry', () => {
  const Readings = defineTopic<Reading>({
    name: uniqueTopic('readings'),
    value: readingSchema,
    key: (r) => r.sensor,
    partitions: 3,
  });
  const reading: Reading = { sensor: 'boiler-7', celsius: 81.25, tags: ['hot'], note: 'ok' };

  it('registers <topic>-value, frames the bytes and reads back an equal message', async () => {
    const producerBus = testBus();
    const delivery = await producerBus.send(Readings, reading, {
      correlationId: 'corr-1',
      headers: { origin: 'round-trip-test' },
    });
    expect(delivery.topic).toBe(Readings.name);
    expect(Number(delivery.offset)).toBe(0);

    const subject = `${Readings.name}-value`;
    const registered = await (await fetch(`${services.registryUrl}/subjects`)).json();
    expect(registered).toContain(subject);
    const latest = (await (
      await fetch(`${services.registryUrl}/subjects/${subject}/versions/latest`)
    ).json()) as { id: number };

    const [raw] = await readRaw(Readings.name, 1);
    expect(raw?.value?.[0]).toBe(0);
    expect(raw?.value?.readInt32BE(1)).toBe(latest.id);
    expect(raw?.key?.toString()).toBe('boiler-7');

    const message = await firstValueFrom(
      testBus().consume(Readings, { groupId: uniqueTopic('g'), fromBeginning: true }),
    );
    expect(message.value).toEqual(reading);
    expect(message).toMatchObject({
      topic: Readings.name,
      partition: delivery.partition,
      offset: delivery.offset,
      key: 'boiler-7',
      context: { messageId: delivery.messageId, correlationId: 'corr-1' },
    });
    expect(message.headers.origin?.toString()).toBe('round-trip-test');
    await message.commit();
  });

  it('keeps per-key order and lands keys where the Java partitioner would', async () => {
    const Ordered = defineTopic<Reading>({
      name: uniqueTopic('ordered'),
      value: readingSchema,
      key: (r) => r.sensor,
      partitions: 3,
    });
    const values = Array.from({ length: 30 }, (_, i) => ({
      sensor: `s-${i % 4}`,
      celsius: i,
      tags: [],
      note: null,
    }));
    const sender = testBus();
    const deliveries = await sender.sendBatch(Ordered, values);

    const messages = await firstValueFrom(
      testBus()
        .consume(Ordered, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(values.length), toArray()),
    );
    for (const sensor of ['s-0', 's-1', 's-2', 's-3']) {
      const sent = values.filter((v) => v.sensor === sensor).map((v) => v.celsius);
      const got = messages.filter((m) => m.key === sensor).map((m) => m.value.celsius);
      expect(got).toEqual(sent);
      const partitions = new Set(messages.filter((m) => m.key === sensor).map((m) => m.partition));
      expect([...partitions]).toEqual([partitionForKey(Buffer.from(sensor), 3)]);
    }
    expect(new Set(deliveries.map((d) => `${d.partition}:${d.offset}`)).size).toBe(values.length);
  });
});
