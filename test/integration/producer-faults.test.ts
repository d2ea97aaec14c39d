import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { defineTopic } from '../../src/index.js';
import { plainKafka, readRaw, testBus, uniqueTopic } from '../support/integration.js';

interface Tick {
  id: string;
}

const tickSchema = { type: 'record', name: 'Tick', fields: [{ name: 'id', type: 'string' }] };
const SCRIPT = new URL('../../scripts/services.sh', import.meta.url).pathname;

function kafka(action: 'stop' | 'start'): void {
  const args = action === 'stop' ? [SCRIPT, 'stop', 'kafka'] : [SCRIPT, 'start'];
  execFileSync('bash', args, { stdio: 'ignore', env: process.env });
}

/**
 * Waits until every partition of the topic has a leader again: a restarted broker answers
 * before it has recovered its logs, and how long that takes grows with the partitions it holds.
 */
async function leadersBack(topic: string): Promise<void> {
  const admin = plainKafka().admin();
  await admin.connect();
  try {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({
        topics: [],
      }));
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${topic} has no leader 30 s after the restart`);
  } finally {
    await admin.disconnect();
  }
}

describe('producer when the broker goes away', () => {
  it('reports every value sent while the broker is down and recovers after restart', async () => {
    const Ticks = defineTopic<Tick>({ name: uniqueTopic('outage'), value: tickSchema });
    const bus = testBus({
      connection: { retries: 2, timeoutMs: 1_000, requestTimeoutMs: 5_000, maxRetryTimeMs: 5_000 },
    });
    const sink = bus.sink(Ticks, { maxBatchSize: 100, maxWaitMs: 10, onError: () => undefined });
    const delivered: string[] = [];
    const failed: [string, string, string][] = [];
    sink.outcomes$.subscribe((o) =>
      o.ok ? delivered.push(o.value.id) : failed.push([o.value.id, o.error.type, o.error.message]),
    );
    const feed = (phase: string) => {
      for (let n = 0; n < 300; n += 1) sink.next({ id: `${phase}-${n}` });
    };

    feed('before');
    await sink.flush();
    kafka('stop');
    try {
      feed('down');
      await sink.flush();
    } finally {
      kafka('start');
    }
    await leadersBack(Ticks.name);
    feed('after');
    sink.complete();
    await sink.done;

    expect(delivered.length + failed.length).toBe(900);
    expect(new Set([...delivered, ...failed.map(([id]) => id)]).size).toBe(900);
    expect(delivered.filter((id) => id.startsWith('before'))).toHaveLength(300);
    expect(delivered.filter((id) => id.startsWith('after'))).toHaveLength(300);
    expect(failed.length).toBeGreaterThan(0);
    for (const [id, type, message] of failed) {
      expect(id.startsWith('down')).toBe(true);
      expect(['BrokerUnavailable', 'NetworkTimeout'], message).toContain(type);
    }

    // Everything reported delivered is on the topic exactly once.
    const stored = (await readRaw(Ticks.name, delivered.length)).map((m) =>
      m.value!.subarray(6).toString(),
    );
    expect(new Set(stored).size).toBe(stored.length);
    for (const id of delivered) expect(stored).toContain(id);
  });
});
