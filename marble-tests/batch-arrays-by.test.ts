import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

import { batchArraysBy } from '../src/operators/batch-by.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('batchArraysBy - batches values that arrive in arrays', () => {
  it('cuts arrays into full batches and keeps the rest open', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b|', { a: [1, 2, 3, 4, 5], b: [6] });
      const expected = '   (xy) 6ms z|';
      const batches = source.pipe(batchArraysBy<number>({ maxBatchSize: 2, maxWaitMs: 100 }));
      expectObservable(batches).toBe(expected, { x: [1, 2], y: [3, 4], z: [5, 6] });
    });
  });

  it('fills an open batch from the next array, then goes on', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c|', { a: [1], b: [2, 3, 4], c: [] });
      const expected = '   10ms x 10ms (y|)';
      const batches = source.pipe(batchArraysBy<number>({ maxBatchSize: 3, maxWaitMs: 100 }));
      expectObservable(batches).toBe(expected, { x: [1, 2, 3], y: [4] });
    });
  });

  it('emits maxWaitMs after the first value of a batch, never an empty batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 19ms b 9ms c 200ms |', { a: [1, 2], b: [3], c: [] });
      const expected = '   50ms x 180ms |';
      const batches = source.pipe(batchArraysBy<number>({ maxBatchSize: 10, maxWaitMs: 50 }));
      expectObservable(batches).toBe(expected, { x: [1, 2, 3] });
    });
  });

  it('starts the clock again with the first value after a cut', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 79ms b 119ms |', { a: [1, 2, 3], b: [4] });
      const expected = '   x 49ms y 79ms z 69ms |';
      const batches = source.pipe(batchArraysBy<number>({ maxBatchSize: 2, maxWaitMs: 50 }));
      expectObservable(batches).toBe(expected, { x: [1, 2], y: [3], z: [4] });
    });
  });

  it('passes an error on at once and drops the unfinished batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: [1] });
      const expected = '   --#';
      const batches = source.pipe(batchArraysBy<number>({ maxBatchSize: 10, maxWaitMs: 100 }));
      expectObservable(batches).toBe(expected);
    });
  });

  it('hands an array of exactly maxBatchSize over without copying it', () => {
    const source = new Subject<readonly number[]>();
    const seen: (readonly number[])[] = [];
    source
      .pipe(batchArraysBy<number>({ maxBatchSize: 3, maxWaitMs: 100 }))
      .subscribe((b) => seen.push(b));
    const exact = [1, 2, 3];
    source.next(exact);
    source.complete();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(exact);
  });

  it('takes nothing more once the subscriber unsubscribes while a batch is emitted', () => {
    const source = new Subject<readonly number[]>();
    const seen: (readonly number[])[] = [];
    const subscription = source
      .pipe(batchArraysBy<number>({ maxBatchSize: 2, maxWaitMs: 100 }))
      .subscribe((batch) => {
        seen.push(batch);
        subscription.unsubscribe();
      });
    source.next([1, 2, 3, 4, 5]);
    expect(seen).toEqual([[1, 2]]);
    expect(source.observed).toBe(false);
  });
});
