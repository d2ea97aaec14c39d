import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import type { KafkaBusError } from '../../src/index.js';
import {
  committedOffsets,
  eventually,
  sendTicks,
  tickTopic,
} from '../support/consumer-fixtures.js';
import { readRaw, sendRaw, uniqueTopic, testBus } from '../support/integration.js';

const run = promisify(execFile);

/** Restarts only Kafka with the project's script; its data survives. */
async function restartKafka(): Promise<void> {
  await run('bash', ['scripts/services.sh', 'stop', 'kafka'], { env: process.env });
  await run('bash', ['scripts/services.sh', 'start'], { env: process.env });
}

describe('consumer faults against a real broker', () => {
  it('surfaces raw garbage as CorruptedMessage while the partition keeps flowing', async () => {
    const Ticks = tickTopic('garbage');
    const groupId = uniqueTopic('g');
    const bus = testBus();
    await sendTicks(bus, Ticks, 0, 2);
    await sendRaw(Ticks.name, [
      { partition: 0, value: Buffer.from('{"id": 3}') },
      { partition: 0, value: Buffer.from([0, 0, 0, 0x7f, 0x7f, 2]) },
      { partition: 0, value: null },
    ]);
    await sendTicks(bus, Ticks, 2, 4);

    const corrupted: KafkaBusError[] = [];
    const handled: number[] = [];
    const subscription = bus.subscribe(Ticks, (m) => void handled.push(m.value.id), {
      groupId,
      fromBeginning: true,
      onCorrupted: (error) => void corrupted.push(error),
    });
    await eventually('four values handled', () => handled.length === 4);
    await eventually('offset 7 committed', async () => {
      return (await committedOffsets(groupId, Ticks.name)).get(0) === '7';
    });
    await subscription.stop();

    expect(handled).toEqual([0, 1, 2, 3]);
    expect(corrupted.map((e) => [e.type, e.partition, e.offset])).toEqual([
      ['CorruptedMessage', 0, '2'],
      ['CorruptedMessage', 0, '3'],
      ['CorruptedMessage', 0, '4'],
    ]);
  });

  it('reads records that repeat a header name, keeping its last value', async () => {
    const Ticks = tickTopic('headers');
    const bus = testBus();
    await sendTicks(bus, Ticks, 7, 8);
    const [written] = await readRaw(Ticks.name, 1);
    await sendRaw(Ticks.name, [
      {
        partition: 0,
        value: written?.value ?? null,
        // kafkajs writes an array as one header per element, under the same name.
        headers: { tag: ['first', 'last'], 'message-id': 'm-1' },
      },
    ]);

    const [, copy] = await bus.fetch(Ticks, { from: 'beginning', maxMessages: 2 });
    expect(copy?.value).toEqual({ id: 7 });
    expect(copy?.headers.tag?.toString()).toBe('last');
    expect(Object.keys(copy?.headers ?? {}).sort()).toEqual(['message-id', 'tag']);
    expect(copy?.context.messageId).toBe('m-1');
  });

  it('recovers from a broker restart mid-stream without losing messages', async () => {
    const Ticks = tickTopic('restart-broker', 2);
    const groupId = uniqueTopic('g');
    const bus = testBus();
    const handled = new Set<number>();
    const subscription = bus.subscribe(Ticks, (m) => void handled.add(m.value.id), {
      groupId,
      fromBeginning: true,
    });
    await sendTicks(bus, Ticks, 0, 50, 0);
    await sendTicks(bus, Ticks, 1_000, 1_050, 1);
    await eventually('the first hundred', () => handled.size === 100);

    await restartKafka();
    // The producer may need a moment to find the broker again; the consumer must not.
    await eventually('a send after the restart', () =>
      Promise.all([sendTicks(bus, Ticks, 50, 100, 0), sendTicks(bus, Ticks, 1_050, 1_100, 1)]).then(
        () => true,
        () => false,
      ),
    );
    await eventually('all two hundred', () => handled.size >= 200, 60_000);
    const expected = [
      ...Array.from({ length: 100 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => 1_000 + i),
    ];
    expect([...handled].sort((a, b) => a - b)).toEqual(expected);
    await subscription.stop();
  });
});
