import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

import { commitAfter, commitEach } from '../src/operators.js';

interface FakeMessage {
  readonly id: string;
  commit(): Promise<void>;
}

function setup() {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const commits: [string, number][] = [];
  const message = (id: string): FakeMessage => ({
    id,
    commit: () => {
      commits.push([id, scheduler.now()]);
      return Promise.resolve();
    },
  });
  return { scheduler, commits, message };
}

describe('commitAfter - commits a message once its step completed', () => {
  it('commits each message when its step completes, in order with concurrency 1', () => {
    const { scheduler, commits, message } = setup();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const source = cold('a-b|', { a: message('a'), b: message('b') });
      const step = (m: FakeMessage) => cold('--r|', { r: m.id.toUpperCase() });
      const expected = '   --A--B|';
      expectObservable(source.pipe(commitAfter(step))).toBe(expected, { A: 'A', B: 'B' });
      flush();
      expect(commits).toEqual([
        ['a', 3],
        ['b', 6],
      ]);
    });
  });

  it('commits out of order when steps overlap and finish out of order', () => {
    const { scheduler, commits, message } = setup();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const source = cold('ab|', { a: message('a'), b: message('b') });
      const slow = cold('----r|', { r: 'A' });
      const fast = cold('r|', { r: 'B' });
      const step = (m: FakeMessage) => (m.id === 'a' ? slow : fast);
      const expected = '   -B--A|';
      expectObservable(source.pipe(commitAfter(step, { concurrency: 2 }))).toBe(expected, {
        A: 'A',
        B: 'B',
      });
      flush();
      expect(commits).toEqual([
        ['b', 2],
        ['a', 5],
      ]);
    });
  });

  it('does not commit a message whose step fails', () => {
    const { scheduler, commits, message } = setup();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const source = cold('a|', { a: message('a') });
      const expected = '   -#';
      expectObservable(source.pipe(commitAfter(() => cold('-#')))).toBe(expected);
      flush();
      expect(commits).toEqual([]);
    });
  });
});

describe('commitEach - commits each value as it passes', () => {
  it('commits at the frame the value arrives and passes it on', () => {
    const { scheduler, commits, message } = setup();
    const a = message('a');
    const b = message('b');
    scheduler.run(({ cold, expectObservable, flush }) => {
      const source = cold('a--b|', { a, b });
      expectObservable(source.pipe(commitEach())).toBe('a--b|', { a, b });
      flush();
      expect(commits).toEqual([
        ['a', 0],
        ['b', 3],
      ]);
    });
  });
});
