import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import type { KafkaMessage } from '../../src/index.js';
import {
  committedOffsets,
  eventually,
  sendTicks,
  tickTopic,
  type Tick,
} from '../support/consumer-fixtures.js';
import { uniqueTopic, testBus } from '../support/integration.js';

describe('consumer commits against a real broker', () => {
  it('redelivers uncommitted messages after a restart, and not the committed ones', async () => {
    const Ticks = tickTopic('restart');
    const groupId = uniqueTopic('g');
    await sendTicks(testBus(), Ticks, 0, 10);

    const first = testBus();
    const seen = await firstValueFrom(
      first.consume(Ticks, { groupId, fromBeginning: true }).pipe(take(10), toArray()),
    );
    expect(seen.map((m) => m.value.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await Promise.all(seen.slice(0, 4).map((m) => m.commit()));
    await first.close();
    expect((await committedOffsets(groupId, Ticks.name)).get(0)).toBe('4');

    const again = await firstValueFrom(
      testBus().consume(Ticks, { groupId, fromBeginning: true }).pipe(take(6), toArray()),
    );
    expect(again.map((m) => m.value.id)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('commits out-of-order acks only up to the first unprocessed offset', async () => {
    const Ticks = tickTopic('gaps');
    const groupId = uniqueTopic('g');
    await sendTicks(testBus(), Ticks, 0, 6);

    const consumer = testBus().consumer(Ticks, {
      groupId,
      fromBeginning: true,
      commitEveryAcks: 1,
    });
    const seen: KafkaMessage<Tick>[] = [];
    const subscription = consumer.messages$.subscribe((m) => seen.push(m));
    try {
      await eventually('six messages', () => seen.length === 6);
      const byOffset = (o: number) =>
        seen.find((m) => m.offset === String(o)) as KafkaMessage<Tick>;
      await Promise.all([4, 3, 1, 0].map((o) => byOffset(o).commit()));
      await eventually('commit at 2', async () => {
        return (await committedOffsets(groupId, Ticks.name)).get(0) === '2';
      });
      expect(consumer.stats().partitions[0]).toMatchObject({ committedOffset: '2', pending: 2 });

      await byOffset(2).commit();
      await eventually('commit at 5', async () => {
        return (await committedOffsets(groupId, Ticks.name)).get(0) === '5';
      });
      await byOffset(5).commit();
      await eventually('commit at 6', async () => {
        return (await committedOffsets(groupId, Ticks.name)).get(0) === '6';
      });
      expect(consumer.stats()).toMatchObject({ pending: 0, received: 6, lag: 0 });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('pauses a partition at the high-water mark and resumes when drained', async () => {
    const Ticks = tickTopic('slow');
    const groupId = uniqueTopic('g');
    await sendTicks(testBus(), Ticks, 0, 200);

    const bus = testBus();
    const consumer = bus.consumer(Ticks, { groupId, fromBeginning: true, highWaterMark: 20 });
    const seen: KafkaMessage<Tick>[] = [];
    const subscription = consumer.messages$.subscribe((m) => seen.push(m));
    try {
      await eventually('a paused partition', () => consumer.stats().paused.length === 1);
      // Give the fetch loop time to (wrongly) hand over more while paused.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen).toHaveLength(20);
      expect(consumer.stats()).toMatchObject({ pending: 20, received: 20 });
      expect(consumer.stats().paused).toEqual([{ topic: Ticks.name, partition: 0 }]);
      const [member] = await firstValueFrom(bus.consumerStats$());
      expect(member).toMatchObject({ groupId, pending: 20, state: 'running' });
      expect(member?.paused).toEqual([{ topic: Ticks.name, partition: 0 }]);
      expect(member?.oldestPendingAgeMs).toBeGreaterThanOrEqual(1_000);

      // Processing more than half resumes fetching; everything arrives, in order, once.
      let next = 0;
      await eventually('all 200 processed', async () => {
        // Not awaited: each commit() resolves only when the coalesced commit is sent.
        while (next < seen.length) void (seen[next++] as KafkaMessage<Tick>).commit();
        return next === 200;
      });
      expect(seen.map((m) => m.value.id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(consumer.stats().paused).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('seeks an assigned partition and delivers from the new offset', async () => {
    const Ticks = tickTopic('seek');
    const groupId = uniqueTopic('g');
    await sendTicks(testBus(), Ticks, 0, 10);

    const consumer = testBus().consumer(Ticks, { groupId, fromBeginning: true });
    const seen: number[] = [];
    const subscription = consumer.messages$.subscribe((m) => {
      seen.push(m.value.id);
      void m.commit();
    });
    try {
      await eventually('ten messages', () => seen.length === 10);
      expect(consumer.assignedPartitions()).toEqual([{ topic: Ticks.name, partition: 0 }]);
      consumer.seek({ partition: 0, offset: 3 });
      await eventually('seven more', () => seen.length === 17);
      expect(seen.slice(10)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(() => consumer.seek({ partition: 5, offset: 0 })).toThrow(/not assigned/);
    } finally {
      subscription.unsubscribe();
    }
  });
});
