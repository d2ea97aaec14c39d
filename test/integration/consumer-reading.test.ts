import { concatMap, firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import type { KafkaMessage } from '../../src/index.js';
import { commitAfter } from '../../src/operators.js';
import {
  committedOffsets,
  eventually,
  sendTicks,
  tickTopic,
  type Tick,
} from '../support/consumer-fixtures.js';
import { recordCount, uniqueTopic, testBus } from '../support/integration.js';

const coordinates = (messages: readonly KafkaMessage<Tick>[]) =>
  messages.map((m) => `${m.partition}:${m.offset}:${m.value.id}`);

describe('reading a topic against a real broker', () => {
  it('fetches history in partition-offset order without touching committed offsets', async () => {
    const Ticks = tickTopic('fetch', 2);
    const bus = testBus();
    await sendTicks(bus, Ticks, 100, 105, 1);
    await sendTicks(bus, Ticks, 0, 5, 0);
    const groupId = uniqueTopic('g');
    await firstValueFrom(
      bus.consume(Ticks, { groupId, fromBeginning: true }).pipe(
        concatMap(async (m) => {
          await m.commit();
          return m;
        }),
        take(10),
        toArray(),
      ),
    );
    const before = await committedOffsets(groupId, Ticks.name);

    const all = await bus.fetch(Ticks, { from: 'beginning', timeoutMs: 20_000 });
    expect(coordinates(all)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `0:${i}:${i}`),
      ...[0, 1, 2, 3, 4].map((i) => `1:${i}:${100 + i}`),
    ]);
    const firstSix = await bus.fetch(Ticks, { maxMessages: 6 });
    expect(coordinates(firstSix)).toEqual([...coordinates(all).slice(0, 6)]);
    const fromOffsets = await bus.fetch(Ticks, { from: { 1: 3 } });
    expect(fromOffsets.map((m) => m.value.id)).toEqual([103, 104]);
    const onePartition = await bus.fetch(Ticks, { partitions: [1], maxMessages: 2 });
    expect(onePartition.map((m) => m.value.id)).toEqual([100, 101]);
    expect(await bus.fetch(Ticks, { from: 'end' })).toEqual([]);
    const future = await bus.fetch(Ticks, { from: { timestamp: Date.now() + 60_000 } });
    expect(future).toEqual([]);

    // Messages keep arriving while it reads: it stops at the end it saw, without chasing.
    let writing = true;
    const writer = (async () => {
      for (let id = 5; writing; id += 1) await sendTicks(bus, Ticks, id, id + 1, 0);
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const racing = await bus.fetch(Ticks, { partitions: [0], maxMessages: 100_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    writing = false;
    await writer;
    const ids = racing.map((m) => m.value.id);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i));
    expect(await recordCount(Ticks.name)).toBeGreaterThan(ids.length + 5);

    expect(await committedOffsets(groupId, Ticks.name)).toEqual(before);
    expect([...before.values()]).toEqual(['5', '5']);
  });

  it('emits batches by size and time and commits them with batch.commit()', async () => {
    const Ticks = tickTopic('batches');
    const groupId = uniqueTopic('g');
    const bus = testBus();
    await sendTicks(bus, Ticks, 0, 25);

    const batches = await firstValueFrom(
      bus
        .consumeBatches(Ticks, { groupId, fromBeginning: true, maxBatchSize: 10, maxWaitMs: 500 })
        .pipe(
          concatMap(async (batch) => {
            await batch.commit();
            return batch.messages.map((m) => m.value.id);
          }),
          take(3),
          toArray(),
        ),
    );
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect((await committedOffsets(groupId, Ticks.name)).get(0)).toBe('25');
  });

  it('commits after a step with commitAfter, with steps finishing out of order', async () => {
    const Ticks = tickTopic('commit-after');
    const groupId = uniqueTopic('g');
    const bus = testBus();
    await sendTicks(bus, Ticks, 0, 20);

    const consumer = bus.consumer(Ticks, { groupId, fromBeginning: true });
    const results: number[] = [];
    const subscription = consumer.messages$
      .pipe(
        commitAfter(
          async (m) => {
            await new Promise((resolve) => setTimeout(resolve, (m.value.id % 3) * 20));
            return m.value.id * 2;
          },
          { concurrency: 4 },
        ),
      )
      .subscribe((doubled) => results.push(doubled));
    try {
      await eventually('offset 20 committed', async () => {
        return (await committedOffsets(groupId, Ticks.name)).get(0) === '20';
      });
      expect([...results].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
    } finally {
      subscription.unsubscribe();
    }
  });

  it('retries a failing handler, then onFailed; other partitions go on', async () => {
    const Ticks = tickTopic('failing', 2);
    const groupId = uniqueTopic('g');
    const bus = testBus();
    await sendTicks(bus, Ticks, 0, 5, 0);
    await sendTicks(bus, Ticks, 100, 105, 1);

    const attempts = new Map<number, number>();
    const handled: number[] = [];
    const failed: number[] = [];
    const subscription = bus.subscribe(
      Ticks,
      (m) => {
        attempts.set(m.value.id, (attempts.get(m.value.id) ?? 0) + 1);
        if (m.value.id === 2) throw new Error('cannot handle 2');
        handled.push(m.value.id);
      },
      {
        groupId,
        fromBeginning: true,
        concurrency: 2,
        retries: 2,
        retryDelayMs: 10,
        onFailed: (_error, m) => {
          failed.push(m.value.id);
        },
      },
    );
    await eventually('nine handled', () => handled.length === 9);
    await subscription.stop();
    await subscription.done;

    expect(failed).toEqual([2]);
    expect(attempts.get(2)).toBe(3);
    expect(handled.filter((id) => id < 100)).toEqual([0, 1, 3, 4]);
    expect(handled.filter((id) => id >= 100)).toEqual([100, 101, 102, 103, 104]);
    const committed = await committedOffsets(groupId, Ticks.name);
    expect([committed.get(0), committed.get(1)]).toEqual(['5', '5']);
  });

  it('drains handlers on close, commits what they finished and leaves the group', async () => {
    const Ticks = tickTopic('close');
    const groupId = uniqueTopic('g');
    const bus = testBus();
    await sendTicks(testBus(), Ticks, 0, 3);

    let started = 0;
    const finished: number[] = [];
    bus.subscribe(
      Ticks,
      async (m) => {
        started += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished.push(m.value.id);
      },
      { groupId, fromBeginning: true, closeDrainMs: 10_000 },
    );
    await eventually('a handler running', () => started > 0);
    await bus.close();
    expect(finished).toEqual([0, 1, 2]);
    expect((await committedOffsets(groupId, Ticks.name)).get(0)).toBe('3');
  });
});
