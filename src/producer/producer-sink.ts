import {
  asyncScheduler,
  Subject,
  type Observable,
  type Observer,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Logger } from '../logging/logger.js';
import { batchingLimits, type BatchingLimits } from '../operators/send-in-batches.js';
import type { MessageKey } from '../topics/topic-definition.js';
import type { DeliveryOutcome } from './delivery-outcome.js';
import type { MessageContext } from './message-context.js';

/** Options of a {@link ProducerSink}. */
export interface SinkOptions<V, K extends MessageKey = MessageKey> {
  /** A batch is sent as soon as it holds this many values. Default 500. */
  readonly maxBatchSize?: number;
  /** A batch is sent this long after its first value, in ms, if not full before. Default 5. */
  readonly maxWaitMs?: number;
  /** Batches being sent at once; further batches wait in the queue. Default 4. */
  readonly maxInFlight?: number;
  /**
   * Values accepted and not yet settled (buffered, waiting or in flight). A value that
   * arrives when the queue is full is not accepted: it fails at once with `ProducerQueueFull`
   * through `onError` and `outcomes$`. Default 100 000.
   */
  readonly maxQueuedMessages?: number;
  /** Context applied to every value (correlation id, headers, timeout, retry). */
  readonly context?: Omit<MessageContext<K>, 'messageId' | 'partition' | 'key'>;
  /**
   * Receives every value that was not delivered, with the reason. Without it, failures are
   * logged at error level; they are always on `outcomes$` and in the producer's stats.
   */
  readonly onError?: (error: KafkaBusError, value: V) => void;
  /** Scheduler for the wait; `asyncScheduler` by default. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A batching producer shaped as an `Observer<V>`: subscribe it to any Observable. Created by
 * `bus.sink(Topic, options)`.
 *
 * - Batches like `bufferTime` + `bufferCount`: sent when `maxBatchSize` values are buffered or
 *   `maxWaitMs` after the first one; a batch goes out as one request per broker, grouped per
 *   topic-partition (split only where a partition's share exceeds the topic's size limit).
 * - A batch is handed to the producer on the next turn of the event loop, so that requests
 *   already on their way go out before it is encoded.
 * - At most `maxInFlight` batches are in flight (encoding and waiting); their requests go to
 *   the broker in batch order, so per-partition order is kept (a failed batch leaves a gap).
 * - Bounded memory: a sink cannot make a hot source wait, so beyond `maxQueuedMessages` it
 *   refuses values (each reported with `ProducerQueueFull`). Put a paced source in front
 *   (or use `bus.publish`) when nothing may be refused.
 * - Nothing is lost silently: every accepted value ends as exactly one outcome on `outcomes$`;
 *   failures also go to `onError` (or the logger).
 * - `complete()` and `error()` from the source send what is buffered; `done` then settles.
 *   Unsubscribing the source does not drop what the sink has accepted; `bus.close()` delivers
 *   it before disconnecting.
 *
 * @example
 * const sink = bus.sink(Orders, { maxBatchSize: 1_000, onError: (e, o) => park(o, e) });
 * orders$.subscribe(sink);
 * await sink.done;
 */
export interface ProducerSink<V> extends Observer<V> {
  /** One outcome per accepted or refused value, hot: subscribe before feeding the sink. */
  readonly outcomes$: Observable<DeliveryOutcome<V>>;
  /** Settles when the source has ended and every accepted value has an outcome; rejects with
   * the source's error if it failed. */
  readonly done: Promise<void>;
  /** Values accepted and not yet settled. */
  readonly queued: number;
  /** Sends the buffer now and resolves when every value accepted so far has an outcome. */
  flush(): Promise<void>;
  /** Refuses further values, then resolves like {@link flush}. */
  close(): Promise<void>;
}

/** The sending side a sink is built on: a settled batch send. */
export type SettledSend<V> = (values: V[]) => Promise<DeliveryOutcome<V>[]>;

/** Creates a {@link ProducerSink} on a settled batch send. */
export function createProducerSink<V>(
  send: SettledSend<V>,
  options: SinkOptions<V, never>,
  logger: Logger,
): ProducerSink<V> {
  return new BatchingSink(send, options, logger);
}

interface SinkBatch<V> {
  readonly values: V[];
  started: boolean;
  readonly settled: Promise<void>;
  readonly resolve: () => void;
}

class BatchingSink<V> implements ProducerSink<V> {
  readonly outcomes$: Observable<DeliveryOutcome<V>>;
  readonly done: Promise<void>;
  readonly #outcomes = new Subject<DeliveryOutcome<V>>();
  readonly #send: SettledSend<V>;
  readonly #options: SinkOptions<V, never>;
  readonly #logger: Logger;
  readonly #scheduler: SchedulerLike;
  readonly #limits: BatchingLimits;
  readonly #batches = new Set<SinkBatch<V>>();
  #buffer: V[] = [];
  #timer: Subscription | undefined;
  #inFlight = 0;
  #queued = 0;
  #closed = false;
  #finish!: (error?: unknown) => void;

  constructor(send: SettledSend<V>, options: SinkOptions<V, never>, logger: Logger) {
    this.#send = send;
    this.#options = options;
    this.#logger = logger;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#limits = batchingLimits(options, 'sink');
    this.outcomes$ = this.#outcomes.asObservable();
    this.done = new Promise<void>((resolve, reject) => {
      this.#finish = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.done.catch(() => undefined);
  }

  get queued(): number {
    return this.#queued;
  }

  next(value: V): void {
    if (this.#closed) {
      this.#refuse(value, 'UnrecoverableFailure', 'The sink is closed; the value was not sent');
      return;
    }
    if (this.#queued >= this.#limits.maxQueued) {
      const message = `The sink holds ${this.#limits.maxQueued} unsent values (maxQueuedMessages)`;
      this.#refuse(value, 'ProducerQueueFull', message);
      return;
    }
    this.#queued += 1;
    this.#buffer.push(value);
    if (this.#buffer.length >= this.#limits.maxBatchSize) this.#cut();
    else this.#timer ??= this.#scheduler.schedule(() => this.#cut(), this.#limits.maxWaitMs);
  }

  error(error: unknown): void {
    void this.close().then(() => this.#finish(error ?? new Error('source failed')));
  }

  complete(): void {
    void this.close().then(() => this.#finish());
  }

  async flush(): Promise<void> {
    this.#cut();
    await Promise.all([...this.#batches].map((b) => b.settled));
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  #cut(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    if (this.#buffer.length === 0) return;
    let resolve!: () => void;
    const settled = new Promise<void>((r) => (resolve = r));
    this.#batches.add({ values: this.#buffer, started: false, settled, resolve });
    this.#buffer = [];
    this.#startWaiting();
  }

  #startWaiting(): void {
    for (const batch of this.#batches) {
      if (this.#inFlight >= this.#limits.maxInFlight) return;
      if (batch.started) continue;
      batch.started = true;
      this.#inFlight += 1;
      void this.#run(batch);
    }
  }

  async #run(batch: SinkBatch<V>): Promise<void> {
    let outcomes: DeliveryOutcome<V>[];
    // A batch usually starts when an earlier one was answered, just as the next request is on
    // its way to the broker; encoding it synchronously now would hold that request back.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      outcomes = await this.#send(batch.values);
    } catch (error) {
      const failure = asBusError(error);
      outcomes = batch.values.map((value) => ({ ok: false, value, error: failure }));
    }
    this.#inFlight -= 1;
    this.#queued -= batch.values.length;
    this.#batches.delete(batch);
    for (const outcome of outcomes) this.#report(outcome);
    batch.resolve();
    this.#startWaiting();
  }

  #refuse(value: V, type: 'ProducerQueueFull' | 'UnrecoverableFailure', message: string) {
    this.#report({ ok: false, value, error: new KafkaBusError(message, { type }) });
  }

  #report(outcome: DeliveryOutcome<V>): void {
    if (!outcome.ok) {
      if (this.#options.onError) this.#options.onError(outcome.error, outcome.value);
      else {
        const { type, topic, partition } = outcome.error;
        this.#logger.error({ type, topic, partition }, 'sink could not deliver a value');
      }
    }
    this.#outcomes.next(outcome);
  }
}

function asBusError(error: unknown): KafkaBusError {
  if (error instanceof KafkaBusError) return error;
  return new KafkaBusError('Sending a batch failed unexpectedly', {
    type: 'UnrecoverableFailure',
    cause: error,
  });
}
