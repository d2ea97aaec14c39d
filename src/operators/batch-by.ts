import { Observable, type OperatorFunction, type SchedulerLike, asyncScheduler } from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';

/** Options of {@link batchBy}. */
export interface BatchByOptions {
  /** A batch is emitted as soon as it holds this many values. */
  readonly maxBatchSize: number;
  /** A batch is emitted this long after its first value arrived, in ms, if not full before. */
  readonly maxWaitMs: number;
  /** Scheduler for the wait; `asyncScheduler` by default, a `TestScheduler` in marble tests. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups values into arrays that are emitted when `maxBatchSize` is reached, when `maxWaitMs`
 * has passed since the batch's first value, or when the source completes (with whatever is
 * left). Unlike `bufferTime`, it never emits an empty batch and its clock starts with the
 * first value of each batch. An error from the source is passed on at once; the values of the
 * unfinished batch are not emitted. Unsubscribing drops the unfinished batch and its timer.
 *
 * @example
 * orders$.pipe(batchBy({ maxBatchSize: 500, maxWaitMs: 50 }))
 *   .subscribe((batch) => store.saveAll(batch));
 */
export function batchBy<T>(options: BatchByOptions): OperatorFunction<T, T[]> {
  const { maxBatchSize, maxWaitMs } = options;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw invalid('maxBatchSize', `must be a positive integer, got ${maxBatchSize}`);
  }
  if (!(maxWaitMs >= 0)) {
    throw invalid('maxWaitMs', `must be zero or more, got ${maxWaitMs}`);
  }
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let timer: { unsubscribe(): void } | undefined;

      const emit = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (batch.length === 0) return;
        const full = batch;
        batch = [];
        subscriber.next(full);
      };

      const subscription = source.subscribe({
        next: (value) => {
          batch.push(value);
          if (batch.length >= maxBatchSize) emit();
          else timer ??= scheduler.schedule(emit, maxWaitMs);
        },
        error: (error: unknown) => {
          batch = [];
          subscriber.error(error);
        },
        complete: () => {
          emit();
          subscriber.complete();
        },
      });

      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
        batch = [];
      };
    });
}

function invalid(field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`batchBy: ${field} ${problem}`, { type: 'InvalidConfiguration', field });
}
