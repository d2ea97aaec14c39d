import { describe, expect, it } from 'vitest';

import { messageIdSource } from '../../src/producer/message-ids.js';
import { ProducerStatsRecorder, type ProducerStats } from '../../src/producer/producer-stats.js';

describe('producer stats', () => {
  it('gives current numbers to a late reader and a late subscriber', () => {
    const recorder = new ProducerStatsRecorder();
    recorder.request(10, 0, 100, 4);
    recorder.request(5, 2, 50, 8);
    recorder.rejected(1);
    expect(recorder.stats()).toMatchObject({ sent: 15, failed: 3, bytes: 150, batches: 2 });
    recorder.request(1, 0, 10, 2);
    const seen: ProducerStats[] = [];
    recorder.stats$.subscribe((s) => seen.push(s));
    expect(seen.at(-1)).toMatchObject({ sent: 16, batches: 3 });
    expect(seen.at(-1)?.latencyMs).toEqual({ p50: 4, p95: 8, p99: 8 });
    recorder.request(1, 0, 10, 6);
    expect(seen.at(-1)).toMatchObject({ sent: 17, batches: 4 });
  });
});

describe('message ids', () => {
  it('are unique within and across sources, and ASCII', () => {
    const a = messageIdSource();
    const b = messageIdSource();
    const ids = [...Array.from({ length: 1_000 }, a), ...Array.from({ length: 1_000 }, b)];
    expect(new Set(ids).size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^[\w-]{18,30}$/);
  });
});
