import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

import { batchBy } from '../src/operators/batch-by.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('batchBy', () => {
  it('emits a batch as soon as it is full', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('     a-b-c-d-e-f-|');
      const expected = '     ----x-----y-|';
      const options = { maxBatchSize: 3, maxWaitMs: 100 };
      expectObservable(source.pipe(batchBy(options))).toBe(expected, {
        x: ['a', 'b', 'c'],
        y: ['d', 'e', 'f'],
      });
    });
  });

  it('emits on time, counted from the first value of the batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a 1ms b 8ms c 20ms |');
      // a at 0, b at 2, timer fires at 5; c at 11, its timer fires at 16; completion at 32.
      const expected = '     5ms x 10ms y 15ms |';
      const options = { maxBatchSize: 10, maxWaitMs: 5 };
      expectObservable(source.pipe(batchBy(options))).toBe(expected, {
        x: ['a', 'b'],
        y: ['c'],
      });
    });
  });

  it('flushes what is left when the source completes, and never emits an empty batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a-b|');
      const expected = '     ---(x|)';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 5, maxWaitMs: 50 }))).toBe(expected, {
        x: ['a', 'b'],
      });
      expectObservable(cold('---|').pipe(batchBy({ maxBatchSize: 5, maxWaitMs: 1 }))).toBe('---|');
    });
  });

  it('passes an error on at once, without the unfinished batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a-b-#', undefined, new Error('boom'));
      const expected = '     ----#';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 5, maxWaitMs: 50 }))).toBe(
        expected,
        undefined,
        new Error('boom'),
      );
    });
  });

  it('releases the source and the timer on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  a-b-c-d-|');
      const unsubscribe = '  ---!';
      const subscriptions = '^--!';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 5, maxWaitMs: 1 })), unsubscribe).toBe(
        '-x-',
        { x: ['a'] },
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('refuses nonsense sizes', () => {
    expect(() => batchBy({ maxBatchSize: 0, maxWaitMs: 1 })).toThrow(/maxBatchSize/);
    expect(() => batchBy({ maxBatchSize: 1, maxWaitMs: -1 })).toThrow(/maxWaitMs/);
  });
});
