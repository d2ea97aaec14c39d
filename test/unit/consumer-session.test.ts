import { describe, expect, it } from 'vitest';

import { ConsumerSession } from '../../src/consumer/consumer-session.js';
import type { ConsumeOptions } from '../../src/consumer/consume-options.js';
import type { KafkaMessage } from '../../src/consumer/kafka-message.js';
import type {
  ConsumerHandlers,
  DriverConsumer,
  KafkaDriver,
  TopicPartition,
  TopicPartitionOffset,
} from '../../src/driver/kafka-driver.js';
import { defineTopic, silentLogger } from '../../src/index.js';
import { SerializerManager } from '../../src/serde/serializer-manager.js';
import { InMemorySchemaRegistry } from '../../src/testing.js';

interface Tick {
  id: number;
}

const Ticks = defineTopic<Tick>({
  name: 'ticks',
  value: { type: 'record', name: 'Tick', fields: [{ name: 'id', type: 'int' }] },
});

/** A driver consumer that records what the session asks of it. */
class FakeConsumer implements DriverConsumer {
  handlers: ConsumerHandlers | undefined;
  readonly commits: TopicPartitionOffset[][] = [];
  readonly paused: TopicPartition[] = [];
  async connect() {}
  async subscribe() {}
  async run(handlers: ConsumerHandlers) {
    this.handlers = handlers;
  }
  async commit(offsets: readonly TopicPartitionOffset[]) {
    this.commits.push([...offsets]);
  }
  seek() {}
  pause(partitions: readonly TopicPartition[]) {
    this.paused.push(...partitions);
  }
  resume() {}
  async disconnect() {}
}

async function setup(
  options: Partial<ConsumeOptions> = {},
  onChunk?: (messages: readonly KafkaMessage<Tick>[]) => void,
) {
  const consumer = new FakeConsumer();
  const driver = { consumer: () => consumer } as unknown as KafkaDriver;
  const serializers = new SerializerManager({
    registry: new InMemorySchemaRegistry(),
    logger: silentLogger,
  });
  const encoder = await serializers.prepareEncoder(Ticks);
  const emitted: KafkaMessage<Tick>[] = [];
  const revoked: TopicPartition[][] = [];
  const session = new ConsumerSession(
    Ticks,
    { groupId: 'g', commitIntervalMs: 5, rebalanceDrainMs: 300, ...options },
    { driver, serializers, ensureTopic: async () => 1, logger: silentLogger },
    {
      next: (messages) => {
        emitted.push(...messages);
        onChunk?.(messages);
      },
      error: (e) => {
        throw e;
      },
      revoked: (partitions) => revoked.push([...partitions]),
    },
  );
  await session.start();
  const handlers = consumer.handlers as ConsumerHandlers;
  // An id below zero stands for bytes that cannot be decoded.
  const batch = (partition: number, ...ids: number[]) =>
    handlers.onBatch({
      topic: Ticks.name,
      partition,
      highWatermark: String(ids.length),
      records: ids.map((id, offset) => ({
        offset: String(offset),
        key: null,
        value: id < 0 ? Buffer.from('garbage') : encoder.encode({ id }),
        headers: {},
        timestamp: '0',
      })),
    });
  const find = (partition: number, offset: number) =>
    emitted.find(
      (m) => m.partition === partition && m.offset === String(offset),
    ) as KafkaMessage<Tick>;
  const tp = (partition: number) => ({ topic: Ticks.name, partition });
  return { consumer, handlers, session, emitted, revoked, batch, find, tp };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConsumerSession - rebalance safety', () => {
  it('drains emitted work before rejoining, then commits under the old assignment', async () => {
    const { consumer, handlers, emitted, batch, find, tp } = await setup();
    handlers.onAssigned?.([tp(0), tp(1)]);
    await batch(0, 10, 11, 12);
    await batch(1, 20, 21);
    expect(emitted).toHaveLength(5);

    void find(0, 0).commit();
    const rebalance = handlers.onRebalancing?.(true);
    await batch(0, 10, 11, 12, 13);
    expect(emitted).toHaveLength(5); // nothing emitted while rebalancing
    await sleep(20);
    void find(1, 0).commit();
    void find(1, 1).commit();
    await sleep(20);
    expect(consumer.commits).toEqual([]); // no commit until the drain ends
    await rebalance;
    expect(consumer.commits).toEqual([
      [
        { ...tp(0), offset: '1' },
        { ...tp(1), offset: '2' },
      ],
    ]);
  });

  it('never commits a partition after it was revoked', async () => {
    const { consumer, handlers, batch, find, tp, revoked } = await setup();
    handlers.onAssigned?.([tp(0), tp(1)]);
    await batch(0, 10, 11);
    await batch(1, 20, 21);

    await handlers.onRebalancing?.(false);
    void find(0, 0).commit();
    void find(1, 0).commit();
    await sleep(30);
    expect(consumer.commits).toEqual([]); // acks during the rejoin wait for the assignment

    handlers.onAssigned?.([tp(1)]);
    expect(revoked).toEqual([[tp(0)]]);
    await sleep(30);
    void find(0, 1).commit();
    void find(1, 1).commit();
    await sleep(30);
    const partitions = consumer.commits.flat().map((o) => o.partition);
    expect(partitions).not.toContain(0);
    expect(consumer.commits.flat().at(-1)).toEqual({ ...tp(1), offset: '2' });
  });

  it('emits at most the high-water mark and returns what it took', async () => {
    const { handlers, emitted, batch, tp, consumer, session } = await setup();
    handlers.onAssigned?.([tp(0)]);
    const many = Array.from({ length: 1_500 }, (_, i) => i);
    expect(await batch(0, ...many)).toBe('999');
    expect(emitted).toHaveLength(1_000);
    expect(consumer.paused).toEqual([tp(0)]);
    expect(session.stats()).toMatchObject({ pending: 1_000, paused: [tp(0)] });
  });

  it('hands a batch over in runs that make room as they are processed', async () => {
    const chunks: number[] = [];
    const { handlers, emitted, batch, tp, consumer } = await setup({}, (messages) => {
      chunks.push(messages.length);
      for (const message of messages) void message.commit();
    });
    handlers.onAssigned?.([tp(0)]);
    const many = Array.from({ length: 2_500 }, (_, i) => i);
    expect(await batch(0, ...many)).toBe('2499');
    expect(chunks).toEqual([1_000, 1_000, 500]);
    expect(emitted.map((m) => m.value.id)).toEqual(many);
    expect(consumer.paused).toEqual([]);
  });

  it('reports undecodable bytes in their place among the messages around them', async () => {
    const order: string[] = [];
    const { handlers, batch, tp, consumer } = await setup(
      {
        onCorrupted: async (error) => {
          await sleep(5);
          order.push(`corrupted@${error.offset}`);
        },
      },
      (messages) => order.push(...messages.map((m) => `message@${m.offset}`)),
    );
    handlers.onAssigned?.([tp(0)]);
    expect(await batch(0, 10, -1, 12, 13)).toBe('3');
    expect(order).toEqual(['message@0', 'corrupted@1', 'message@2', 'message@3']);
    await sleep(20);
    expect(consumer.commits).toEqual([]); // offset 0 is not processed yet: nothing to commit
  });
});
