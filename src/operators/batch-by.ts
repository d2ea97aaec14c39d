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
  return batching<T, T, T[]>(options, (batcher, value) => batcher.add(value));
}

/**
 * {@link batchBy} for a source that emits arrays of values: the values are batched as if they
 * had arrived one by one, in order, at the time of their array. Arrays are taken whole
 * where they fit: an array of exactly `maxBatchSize` values arriving when no batch is open is
 * emitted as it is, without a copy.
 */
export function batchArraysBy<T>(
  options: BatchByOptions,
): OperatorFunction<readonly T[], readonly T[]> {
  return batching<readonly T[], T, readonly T[]>(options, (batcher, values) =>
    batcher.addAll(values),
  );
}

function batching<In, T, Out extends readonly T[]>(
  options: BatchByOptions,
  take: (batcher: Batcher<T>, input: In) => void,
): OperatorFunction<In, Out> {
  const { maxBatchSize, maxWaitMs } = options;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw invalid('maxBatchSize', `must be a positive integer, got ${maxBatchSize}`);
  }
  if (!(maxWaitMs >= 0)) {
    throw invalid('maxWaitMs', `must be zero or more, got ${maxWaitMs}`);
  }
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<Out>((subscriber) => {
      const batcher = new Batcher<T>(maxBatchSize, maxWaitMs, scheduler, (batch) =>
        subscriber.next(batch as Out),
      );
      const subscription = source.subscribe({
        next: (input) => take(batcher, input),
        error: (error: unknown) => {
          batcher.drop();
          subscriber.error(error);
        },
        complete: () => {
          batcher.emit();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        batcher.drop();
      };
    });
}

/** The open batch and its timer. */
class Batcher<T> {
  readonly #maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #scheduler: SchedulerLike;
  readonly #output: (batch: readonly T[]) => void;
  readonly #emitTimed = () => this.emit();
  #batch: T[] = [];
  #timer: { unsubscribe(): void } | undefined;
  #dropped = false;

  constructor(
    maxBatchSize: number,
    maxWaitMs: number,
    scheduler: SchedulerLike,
    output: (batch: readonly T[]) => void,
  ) {
    this.#maxBatchSize = maxBatchSize;
    this.#maxWaitMs = maxWaitMs;
    this.#scheduler = scheduler;
    this.#output = output;
  }

  add(value: T): void {
    this.#batch.push(value);
    if (this.#batch.length >= this.#maxBatchSize) this.emit();
    else this.#startTimer();
  }

  addAll(values: readonly T[]): void {
    const max = this.#maxBatchSize;
    const count = values.length;
    let from = 0;
    // State is read again after every emission: a subscriber may unsubscribe meanwhile.
    while (from < count && !this.#dropped) {
      if (this.#batch.length === 0 && count - from >= max) {
        const whole = from === 0 && count === max;
        const batch = whole ? values : values.slice(from, from + max);
        from += max;
        this.#output(batch);
        continue;
      }
      const end = Math.min(count, from + max - this.#batch.length);
      for (; from < end; from += 1) this.#batch.push(values[from] as T);
      if (this.#batch.length >= max) this.emit();
      else this.#startTimer();
    }
  }

  /** Emits the open batch, if any. */
  emit(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    if (this.#batch.length === 0) return;
    const full = this.#batch;
    this.#batch = [];
    this.#output(full);
  }

  /** Forgets the open batch and its timer, and takes no more values. */
  drop(): void {
    this.#dropped = true;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#batch = [];
  }

  #startTimer(): void {
    this.#timer ??= this.#scheduler.schedule(this.#emitTimed, this.#maxWaitMs);
  }
}

function invalid(field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`batchBy: ${field} ${problem}`, { type: 'InvalidConfiguration', field });
}
