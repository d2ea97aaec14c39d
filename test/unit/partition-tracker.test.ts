import { describe, expect, it } from 'vitest';

import { PartitionTracker } from '../../src/consumer/partition-tracker.js';

function tracked(...offsets: number[]): PartitionTracker {
  const tracker = new PartitionTracker();
  for (const offset of offsets) tracker.track(String(offset), 10, 0);
  return tracker;
}

describe('PartitionTracker - gap-aware commit point', () => {
  it('commits nothing before anything is processed', () => {
    expect(tracked(0, 1, 2).committable()).toBeUndefined();
  });

  it('commits one past the last offset when all are processed in order', () => {
    const tracker = tracked(0, 1, 2);
    for (const o of ['0', '1', '2']) tracker.ack(o);
    expect(tracker.committable()).toBe('3');
  });

  it('stops at the first unprocessed offset when acks come out of order', () => {
    const tracker = tracked(0, 1, 2, 3);
    tracker.ack('0');
    tracker.ack('2');
    tracker.ack('3');
    expect(tracker.committable()).toBe('1');
    tracker.ack('1');
    expect(tracker.committable()).toBe('4');
  });

  it('does not assume offsets are consecutive', () => {
    const tracker = tracked(10, 13, 20);
    tracker.ack('10');
    expect(tracker.committable()).toBe('13');
    tracker.ack('20');
    expect(tracker.committable()).toBe('13');
    tracker.ack('13');
    expect(tracker.committable()).toBe('21');
  });

  it('offers a commit point only when it moved past the last commit', () => {
    const tracker = tracked(0, 1);
    tracker.ack('0');
    expect(tracker.committable()).toBe('1');
    tracker.markCommitted('1');
    expect(tracker.committable()).toBeUndefined();
  });

  it('counts pending messages and bytes, and ignores repeated deliveries', () => {
    const tracker = tracked(0, 1, 2);
    expect(tracker.track('1', 10, 0)).toBe(false);
    expect(tracker.pendingCount).toBe(3);
    expect(tracker.pendingBytes).toBe(30);
    tracker.ack('1');
    expect(tracker.ack('1')).toBe(false);
    expect(tracker.pendingCount).toBe(2);
    expect(tracker.pendingBytes).toBe(20);
  });

  it('reports the delivery time of the oldest unprocessed message', () => {
    const tracker = new PartitionTracker();
    tracker.track('0', 1, 100);
    tracker.track('1', 1, 200);
    tracker.ack('0');
    expect(tracker.oldestPendingAtMs).toBe(200);
    tracker.ack('1');
    expect(tracker.oldestPendingAtMs).toBeUndefined();
  });

  it('keeps working across many offsets (internal compaction)', () => {
    const tracker = new PartitionTracker();
    for (let i = 0; i < 5_000; i += 1) tracker.track(String(i), 1, 0);
    for (let i = 0; i < 4_000; i += 1) tracker.ack(String(i));
    expect(tracker.committable()).toBe('4000');
    for (let i = 4_001; i < 5_000; i += 1) tracker.ack(String(i));
    expect(tracker.committable()).toBe('4000');
    tracker.ack('4000');
    expect(tracker.committable()).toBe('5000');
  });

  it('starts over after a reset, never committing what was pending', () => {
    const tracker = tracked(0, 1, 2);
    tracker.ack('0');
    tracker.reset('1');
    expect(tracker.committable()).toBeUndefined();
    tracker.track('1', 1, 0);
    tracker.ack('1');
    expect(tracker.committable()).toBe('2');
  });
});
