import avro from 'avsc';
import { describe, expect, it } from 'vitest';

import {
  createKafkajsDriver,
  defineTopic,
  type DriverProducer,
  type DriverProducerConfig,
  type KafkaDriver,
  type ProducerPoolState,
} from '../../src/index.js';
import { HEADER_SIZE } from '../../src/serde/wire-format.js';
import { readRaw, services, testBus, uniqueTopic } from '../support/integration.js';

interface Note {
  id: string;
}

const noteSchema = { type: 'record', name: 'Note', fields: [{ name: 'id', type: 'string' }] };
const noteType = avro.Type.forSchema(noteSchema as avro.Schema);

/** The kafkajs driver, recording each producer's settings and whether it is connected. */
function watchedDriver() {
  const inner = createKafkajsDriver({ brokers: services.brokers });
  const producers: { config: DriverProducerConfig; connected: boolean }[] = [];
  const driver: KafkaDriver = {
    consumer: (config) => inner.consumer(config),
    admin: () => inner.admin(),
    producer: (config = {}) => {
      const real = inner.producer(config);
      const entry = { config, connected: false };
      producers.push(entry);
      const watched: DriverProducer = {
        connect: async () => {
          await real.connect();
          entry.connected = true;
        },
        send: (requests, timeoutMs) => real.send(requests, timeoutMs),
        disconnect: async () => {
          await real.disconnect();
          entry.connected = false;
        },
      };
      return watched;
    },
  };
  return { driver, producers };
}

async function idsOn(topic: string, count: number): Promise<string[]> {
  const records = await readRaw(topic, count);
  return records.map((r) => (noteType.fromBuffer(r.value!.subarray(HEADER_SIZE)) as Note).id);
}

describe('producer pool against the broker', () => {
  it('uses one producer per settings, both deliver, and close disconnects them', async () => {
    const { driver, producers } = watchedDriver();
    const bus = testBus({ driver, producerPool: { maxSize: 2 } });
    const states: ProducerPoolState[] = [];
    let completed = false;
    bus.producerPool.state$.subscribe({
      next: (s) => states.push(s),
      complete: () => (completed = true),
    });
    const Plain = defineTopic<Note>({ name: uniqueTopic('pool-plain'), value: noteSchema });
    const Packed = defineTopic<Note>({ name: uniqueTopic('pool-gzip'), value: noteSchema });
    const packed = { idempotent: false, acks: 1, compression: 'gzip' } as const;

    const plainIds = Array.from({ length: 50 }, (_, n) => `plain-${n}`);
    const packedIds = Array.from({ length: 50 }, (_, n) => `gzip-${n}`);
    try {
      for (const id of plainIds.slice(0, 25)) await bus.send(Plain, { id });
      await bus.sendBatch(
        Plain,
        plainIds.slice(25).map((id) => ({ id })),
      );
      await bus.producer(Packed, packed).sendBatch(packedIds.map((id) => ({ id })));

      // Sequential sends of one settings reuse one producer; the other settings get their own.
      expect(producers.map((p) => p.config)).toEqual([{ idempotent: true, acks: -1 }, packed]);
      expect(bus.producerPool.state()).toMatchObject({
        size: 2,
        inUse: 0,
        idle: 2,
        created: 2,
        failures: 0,
      });
      expect(new Set(await idsOn(Plain.name, 50))).toEqual(new Set(plainIds));
      expect(new Set(await idsOn(Packed.name, 50))).toEqual(new Set(packedIds));
    } finally {
      await bus.close();
    }
    expect(producers.every((p) => !p.connected)).toBe(true);
    expect(bus.producerPool.state()).toMatchObject({ size: 0, destroyed: 2 });
    expect(completed).toBe(true);
    expect(Math.max(...states.map((s) => s.inUse))).toBe(1);
  });
});
