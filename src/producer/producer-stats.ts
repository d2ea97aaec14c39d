import { BehaviorSubject, defer, type Observable } from 'rxjs';

/** Counters and latencies of one producer since it was created. */
export interface ProducerStats {
  /** Messages the broker acknowledged. */
  readonly sent: number;
  /** Messages that failed (encoding, size, or the request). */
  readonly failed: number;
  /** Bytes of key, value and headers of acknowledged messages. */
  readonly bytes: number;
  /** Requests sent to the broker (one per chunk of a batch). */
  readonly batches: number;
  /** Request latency percentiles in ms over the last {@link LATENCY_WINDOW_SIZE} requests. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
}

/** How many recent request latencies the percentiles are computed from. */
export const LATENCY_WINDOW_SIZE = 1_024;

/** Collects a producer's {@link ProducerStats} and publishes them after every request. */
export class ProducerStatsRecorder {
  readonly #latencies: number[] = [];
  readonly #stats$: BehaviorSubject<ProducerStats>;
  /** Whether `#stats$` holds stale numbers; refreshed when read or watched. */
  #stale = false;
  #next = 0;
  #sent = 0;
  #failed = 0;
  #bytes = 0;
  #batches = 0;

  constructor() {
    this.#stats$ = new BehaviorSubject(this.#snapshot());
  }

  /** Current stats, and every update after each request; completes when the producer closes. */
  get stats$(): Observable<ProducerStats> {
    return defer(() => {
      this.#refresh();
      return this.#stats$.asObservable();
    });
  }

  /** The current stats. */
  stats(): ProducerStats {
    this.#refresh();
    return this.#stats$.value;
  }

  /** Records one request: its messages, their bytes and how long the broker took. */
  request(sent: number, failed: number, bytes: number, latencyMs: number): void {
    this.#sent += sent;
    this.#failed += failed;
    this.#bytes += bytes;
    this.#batches += 1;
    this.#latencies[this.#next] = latencyMs;
    this.#next = (this.#next + 1) % LATENCY_WINDOW_SIZE;
    this.#publish();
  }

  /** Records messages that failed before any request (encoding, size, partition). */
  rejected(failed: number): void {
    if (failed === 0) return;
    this.#failed += failed;
    this.#publish();
  }

  /** Completes `stats$`. */
  complete(): void {
    this.#stats$.complete();
  }

  /** Sorting the latency window costs, so it is done only when someone watches or asks. */
  #publish(): void {
    this.#stale = !this.#stats$.observed;
    if (!this.#stale) this.#stats$.next(this.#snapshot());
  }

  #refresh(): void {
    if (!this.#stale) return;
    this.#stale = false;
    this.#stats$.next(this.#snapshot());
  }

  #snapshot(): ProducerStats {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return {
      sent: this.#sent,
      failed: this.#failed,
      bytes: this.#bytes,
      batches: this.#batches,
      latencyMs: { p50: at(sorted, 0.5), p95: at(sorted, 0.95), p99: at(sorted, 0.99) },
    };
  }
}

function at(sorted: readonly number[], quantile: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] as number;
}
