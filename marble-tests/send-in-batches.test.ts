import { delay, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../src/errors/kafka-bus-error.js';
import { sendInBatches } from '../src/operators/send-in-batches.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A send that answers each value upper-cased after `ms` of virtual time. */
function answerAfter(ms: number, seen: string[][] = []) {
  return (batch: string[]) => {
    seen.push(batch);
    return of(batch.map((v) => v.toUpperCase())).pipe(delay(ms));
  };
}

describe('sendInBatches', () => {
  it('sends a batch as soon as it is full and emits the answers in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a-b-c-d-e-f-----------|');
      // c at 4 fills the first batch, answered at 5; f at 10, answered at 11.
      const expected = '     5ms (ABC) 1ms (DEF) 6ms |';
      const options = { maxBatchSize: 3, maxWaitMs: 100 };
      expectObservable(source.pipe(sendInBatches(answerAfter(1), options))).toBe(expected, {
        A: 'A',
        B: 'B',
        C: 'C',
        D: 'D',
        E: 'E',
        F: 'F',
      });
    });
  });

  it('sends on time, counted from the first value of the batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a 1ms b 8ms c 20ms |');
      // a at 0 and b at 2 go at 5, answered at 6; c at 11 goes at 16, answered at 17.
      const expected = '     6ms (AB) 7ms C 14ms |';
      const options = { maxBatchSize: 10, maxWaitMs: 5 };
      expectObservable(source.pipe(sendInBatches(answerAfter(1), options))).toBe(expected, {
        A: 'A',
        B: 'B',
        C: 'C',
      });
    });
  });

  it('sends what is left when the source completes and completes after the answers', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a-b|');
      const expected = '     -----(AB|)';
      const options = { maxBatchSize: 5, maxWaitMs: 50 };
      expectObservable(source.pipe(sendInBatches(answerAfter(2), options))).toBe(expected, {
        A: 'A',
        B: 'B',
      });
    });
  });

  it('emits answers in input order when a later batch is answered first', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  ab|');
      // a is answered after 5, b after 1; b waits for a.
      const expected = '     -----(AB|)';
      const send = (batch: string[]) =>
        of(batch.map((v) => v.toUpperCase())).pipe(delay(batch[0] === 'a' ? 5 : 0));
      const options = { maxBatchSize: 1, maxWaitMs: 50 };
      expectObservable(source.pipe(sendInBatches(send, options))).toBe(expected, {
        A: 'A',
        B: 'B',
      });
    });
  });

  it('keeps at most maxInFlight sends running', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  abc|');
      // One send at a time, each taking 3: answers at 3, 6 and 9.
      const expected = '     ---A--B--(C|)';
      const options = { maxBatchSize: 1, maxWaitMs: 50, maxInFlight: 1 };
      expectObservable(source.pipe(sendInBatches(answerAfter(3), options))).toBe(expected, {
        A: 'A',
        B: 'B',
        C: 'C',
      });
    });
  });

  it('passes a failed send down the error channel', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failure = new KafkaBusError('down', { type: 'BrokerUnavailable' });
      const source = cold('  a-b-c-|');
      const expected = '     --#';
      const send = (batch: string[]) => (batch[0] === 'a' ? of(['A']) : throwError(() => failure));
      const options = { maxBatchSize: 1, maxWaitMs: 50, maxInFlight: 1 };
      expectObservable(source.pipe(sendInBatches(send, options))).toBe(
        expected.replace('--#', 'A-#'),
        { A: 'A' },
        failure,
      );
    });
  });

  it('passes a source error on at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  a-#', undefined, new Error('boom'));
      const expected = '     --#';
      const options = { maxBatchSize: 5, maxWaitMs: 50 };
      expectObservable(source.pipe(sendInBatches(answerAfter(1), options))).toBe(
        expected,
        undefined,
        new Error('boom'),
      );
    });
  });

  it('fails with ProducerQueueFull when more values wait than allowed', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('  abc|');
      // c arrives while a is in flight and b waits.
      const expected = '     --#';
      const options = { maxBatchSize: 1, maxWaitMs: 50, maxInFlight: 1, maxQueuedMessages: 2 };
      const error = new KafkaBusError(
        'More than 2 values are waiting to be sent (maxQueuedMessages)',
        { type: 'ProducerQueueFull' },
      );
      expectObservable(source.pipe(sendInBatches(answerAfter(3), options))).toBe(
        expected,
        undefined,
        error,
      );
    });
  });

  it('releases the source, the timer and the sends on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  a-b-c-d-e-f-|');
      const unsub = '        ----!';
      const options = { maxBatchSize: 2, maxWaitMs: 50 };
      expectObservable(source.pipe(sendInBatches(answerAfter(10), options)), unsub).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('names the offending option', () => {
    expect(() => sendInBatches(answerAfter(1), { maxInFlight: 0 })).toThrow(/maxInFlight/);
  });
});
