import { describe, expect, it } from 'vitest';

import type { ManagedSubscription, TopicPartition } from '../../src/index.js';
import {
  committedOffsets,
  eventually,
  sendTicks,
  tickTopic,
} from '../support/consumer-fixtures.js';
import { uniqueTopic, testBus } from '../support/integration.js';

const PARTITIONS = 4;
const PER_PARTITION = 50;

describe('a consumer group against a real broker', () => {
  it('splits partitions; a third member joining and leaving loses nothing', async () => {
    const Ticks = tickTopic('group', PARTITIONS);
    const groupId = uniqueTopic('g');
    const producer = testBus();
    const handled = new Set<number>();
    let sent = 0;
    const sendRound = async () => {
      for (let partition = 0; partition < PARTITIONS; partition += 1) {
        const from = partition * 100_000 + sent;
        await sendTicks(producer, Ticks, from, from + PER_PARTITION, partition);
      }
      sent += PER_PARTITION;
    };
    const member = (): ManagedSubscription =>
      testBus().subscribe(
        Ticks,
        async (m) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          handled.add(m.value.id);
        },
        { groupId, fromBeginning: true, concurrency: 2, rebalanceDrainMs: 2_000 },
      );
    const assigned = (s: ManagedSubscription): TopicPartition[] =>
      s.stats()?.state === 'running' ? [...(s.stats()?.assigned ?? [])] : [];
    const partitionsOf = (...members: ManagedSubscription[]) =>
      members.flatMap(assigned).map((tp) => tp.partition);

    const a = member();
    const b = member();
    await eventually('two members with two partitions each', () => {
      return assigned(a).length === 2 && assigned(b).length === 2;
    });
    expect(partitionsOf(a, b).sort()).toEqual([0, 1, 2, 3]);
    await sendRound();

    const c = member();
    await eventually('the third member to get partitions', () => assigned(c).length > 0);
    await eventually('every partition owned once', () => {
      return partitionsOf(a, b, c).sort().join() === '0,1,2,3';
    });
    await sendRound();
    await eventually(
      'the second round handled',
      () => handled.size === 2 * PARTITIONS * PER_PARTITION,
    );

    await c.stop();
    await eventually('the two members to take all partitions again', () => {
      return partitionsOf(a, b).sort().join() === '0,1,2,3';
    });
    await sendRound();
    await eventually('everything handled', () => handled.size === sent * PARTITIONS);

    await Promise.all([a.stop(), b.stop()]);
    const committed = await committedOffsets(groupId, Ticks.name);
    expect([...committed.values()]).toEqual(Array(PARTITIONS).fill(String(sent)));
  });
});
