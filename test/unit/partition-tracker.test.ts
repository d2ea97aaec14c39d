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

  it('finds every ack whatever order the acks jump around in', () => {
    const offsets = Array.from({ length: 3_000 }, (_, i) => i * 2);
    const tracker = tracked(...offsets);
    // In order, then a jump ahead, then back, then in order again past a compaction.
    const order = [
      ...offsets.slice(0, 1_500),
      ...offsets.slice(2_000, 2_100),
      ...offsets.slice(1_500, 2_000),
      ...offsets.slice(2_100),
    ];
    for (const [i, offset] of order.entries()) {
      expect(tracker.ack(String(offset))).toBe(true);
      if (i === 1_499) expect(tracker.committable()).toBe('3000');
    }
    expect(tracker.pendingCount).toBe(0);
    expect(tracker.committable()).toBe('5999');
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

  it('tracks again from offset 0 after a reset to the beginning', () => {
    const tracker = tracked(0, 1);
    tracker.reset('0');
    expect(tracker.position).toBeUndefined();
    expect(tracker.track('0', 1, 0)).toBe(true);
    tracker.ack('0');
    expect(tracker.committable()).toBe('1');
  });

  it('orders offsets by value when they cross a power of ten', () => {
    const tracker = tracked(8, 9, 10, 11, 100);
    expect(tracker.track('99', 1, 0)).toBe(false);
    for (const offset of ['100', '10', '9', '11']) expect(tracker.ack(offset)).toBe(true);
    expect(tracker.committable()).toBeUndefined();
    tracker.ack('8');
    expect(tracker.committable()).toBe('101');
  });

  it('refuses acks of offsets never delivered or already committed past', () => {
    const tracker = tracked(0, 2, 4);
    expect(tracker.ack('3')).toBe(false);
    expect(tracker.ack('5')).toBe(false);
    expect(tracker.ack('0')).toBe(true);
    expect(tracker.ack('0')).toBe(false);
    expect(tracker.committable()).toBe('2');
    expect(tracker.ack('0')).toBe(false);
    expect(tracker.pendingCount).toBe(2);
  });

  it('keeps exact offsets beyond the safe integer range', () => {
    const tracker = new PartitionTracker();
    tracker.track('9007199254740993', 1, 0);
    tracker.track('9007199254740994', 1, 0);
    tracker.ack('9007199254740993');
    expect(tracker.committable()).toBe('9007199254740994');
    tracker.ack('9007199254740994');
    expect(tracker.committable()).toBe('9007199254740995');
    expect(tracker.position).toBe('9007199254740995');
  });
});
