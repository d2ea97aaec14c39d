import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

import { batchBy } from '../src/operators.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('batchBy - cuts batches by size and by time', () => {
  it('emits a batch as soon as it is full', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|');
      const expected = '   --x---y|';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 2, maxWaitMs: 100 }))).toBe(expected, {
        x: ['a', 'b'],
        y: ['c', 'd'],
      });
    });
  });

  it('emits maxWaitMs after the first value, and the rest on completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 200ms c|');
      const expected = '   50ms x 161ms (y|)';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 10, maxWaitMs: 50 }))).toBe(expected, {
        x: ['a', 'b'],
        y: ['c'],
      });
    });
  });

  it('never emits an empty batch while the source is quiet', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 300ms |');
      const expected = '   100ms x 200ms |';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 10, maxWaitMs: 100 }))).toBe(expected, {
        x: ['a'],
      });
    });
  });

  it('passes an error on at once and drops the unfinished batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#');
      const expected = '   --#';
      expectObservable(source.pipe(batchBy({ maxBatchSize: 10, maxWaitMs: 100 }))).toBe(expected);
    });
  });
});
