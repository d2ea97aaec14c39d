import {
  asyncScheduler,
  from,
  Observable,
  Subscription,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';

/** Options of {@link sendInBatches}. */
export interface SendInBatchesOptions {
  /** A batch is sent as soon as it holds this many values. Default 500. */
  readonly maxBatchSize?: number;
  /** A batch is sent this long after its first value, in ms, if not full before. Default 5. */
  readonly maxWaitMs?: number;
  /** Batches being sent at once; further full batches wait. Default 4. */
  readonly maxInFlight?: number;
  /**
   * Values accepted and not yet answered (buffered, waiting or in flight). One more fails the
   * stream with `ProducerQueueFull`. Default 100 000.
   */
  readonly maxQueuedMessages?: number;
  /** Scheduler for the wait; `asyncScheduler` by default, a `TestScheduler` in marble tests. */
  readonly scheduler?: SchedulerLike;
}

/** Default of {@link SendInBatchesOptions.maxBatchSize}. */
export const DEFAULT_MAX_BATCH_SIZE = 500;
/** Default of {@link SendInBatchesOptions.maxWaitMs}. */
export const DEFAULT_MAX_WAIT_MS = 5;
/** Default of {@link SendInBatchesOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 4;
/** Default of {@link SendInBatchesOptions.maxQueuedMessages}. */
export const DEFAULT_MAX_QUEUED_MESSAGES = 100_000;

/**
 * Groups values into batches (sent when `maxBatchSize` is reached, `maxWaitMs` after a batch's
 * first value, or when the source completes), hands each batch to `send`, keeps at most
 * `maxInFlight` sends running, and emits one answer per value in input order, whatever order
 * the sends finish in. It completes once the source has completed and every batch is answered.
 *
 * Pacing: a source that produces on demand (for example `concatMap` over pages read from a
 * database) is paced by downstream, but RxJS cannot make a source wait; values that arrive
 * while `maxQueuedMessages` are unanswered fail the stream with a retriable `ProducerQueueFull`
 * error instead of growing memory without bound.
 *
 * Errors: an error from the source or from a send is passed on at once; unsent values are
 * dropped and answers of sends still running are not emitted. Unsubscribing drops the buffer,
 * the timer and the running sends (values already handed to a send may still be delivered).
 *
 * @example
 * values$.pipe(sendInBatches((batch) => store(batch), { maxBatchSize: 100, maxWaitMs: 20 }))
 *   .subscribe((receipt) => audit.record(receipt));
 */
export function sendInBatches<T, R>(
  send: (batch: T[]) => ObservableInput<readonly R[]>,
  options: SendInBatchesOptions = {},
): OperatorFunction<T, R> {
  const { maxBatchSize, maxWaitMs, maxInFlight, maxQueued } = batchingLimits(
    options,
    'sendInBatches',
  );
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<R>((subscriber) => {
      const sends = new Subscription();
      const batches: Batch<T, R>[] = [];
      let buffer: T[] = [];
      let timer: Subscription | undefined;
      let inFlight = 0;
      let queued = 0;
      let sourceDone = false;

      const emitAnswered = () => {
        while (batches[0]?.answers) {
          const batch = batches.shift() as Batch<T, R>;
          queued -= batch.values.length;
          for (const answer of batch.answers as readonly R[]) subscriber.next(answer);
        }
        if (sourceDone && batches.length === 0) subscriber.complete();
      };

      const startWaiting = () => {
        for (const batch of batches) {
          if (inFlight >= maxInFlight) return;
          if (batch.started) continue;
          batch.started = true;
          inFlight += 1;
          let answers: readonly R[] = [];
          sends.add(
            from(send(batch.values)).subscribe({
              next: (received) => (answers = received),
              error: (error: unknown) => subscriber.error(error),
              complete: () => {
                inFlight -= 1;
                batch.answers = answers;
                emitAnswered();
                startWaiting();
              },
            }),
          );
        }
      };

      const cut = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (buffer.length === 0) return;
        batches.push({ values: buffer, started: false });
        buffer = [];
        startWaiting();
      };

      sends.add(
        source.subscribe({
          next: (value) => {
            if (queued >= maxQueued) {
              subscriber.error(queueFull(maxQueued));
              return;
            }
            queued += 1;
            buffer.push(value);
            if (buffer.length >= maxBatchSize) cut();
            else timer ??= scheduler.schedule(cut, maxWaitMs);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            sourceDone = true;
            cut();
            emitAnswered();
          },
        }),
      );

      return () => {
        timer?.unsubscribe();
        sends.unsubscribe();
        buffer = [];
        batches.length = 0;
      };
    });
}

/** Batching limits with their defaults applied, checked once. */
export interface BatchingLimits {
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly maxInFlight: number;
  readonly maxQueued: number;
}

/**
 * Applies the defaults to batching options and checks them.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the field, prefixed with `owner`.
 */
export function batchingLimits(options: SendInBatchesOptions, owner: string): BatchingLimits {
  const positive = (field: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) {
      throw invalid(owner, field, `must be a positive integer, got ${value}`);
    }
    return value;
  };
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (!(maxWaitMs >= 0))
    throw invalid(owner, 'maxWaitMs', `must be zero or more, got ${maxWaitMs}`);
  return {
    maxBatchSize: positive('maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
    maxWaitMs,
    maxInFlight: positive('maxInFlight', options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
    maxQueued: positive(
      'maxQueuedMessages',
      options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED_MESSAGES,
    ),
  };
}

interface Batch<T, R> {
  readonly values: T[];
  started: boolean;
  answers?: readonly R[];
}

function queueFull(maxQueued: number): KafkaBusError {
  return new KafkaBusError(
    `More than ${maxQueued} values are waiting to be sent (maxQueuedMessages)`,
    { type: 'ProducerQueueFull' },
  );
}

function invalid(owner: string, field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`${owner}: ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
