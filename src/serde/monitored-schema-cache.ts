import { LRUCache } from 'lru-cache';
import type { Observable } from 'rxjs';
import { interval, map, merge, of, Subject } from 'rxjs';

import type { AvroType } from './avro-codec.js';

/** Limits whose breach is reported in {@link SchemaCacheStats.breaches}. */
export interface SchemaCacheThresholds {
  /** Lowest acceptable share of lookups answered from memory, 0–1. Default none. */
  readonly minHitRatio?: number;
  /** Highest acceptable mean registry round trip, in ms. Default none. */
  readonly maxRegistryLatencyMs?: number;
  /** Lookups needed before the hit ratio is judged, so a cold start is no breach. Default 100. */
  readonly minLookups?: number;
}

/** Options of the {@link MonitoredSchemaCache}. */
export interface MonitoredSchemaCacheOptions {
  /** Entries kept per kind (subject registrations, compiled writer schemas). Default 1 000. */
  readonly maxEntries?: number;
  /** How often `stats$` emits even when nothing changed, in ms. Default 5 000. */
  readonly statsIntervalMs?: number;
  readonly thresholds?: SchemaCacheThresholds;
}

/** One threshold that the current numbers break. */
export interface SchemaCacheBreach {
  readonly threshold: 'minHitRatio' | 'maxRegistryLatencyMs';
  readonly limit: number;
  readonly actual: number;
}

/** A snapshot of the schema cache's counters since it was created. */
export interface SchemaCacheStats {
  /** Lookups answered from memory. */
  readonly hits: number;
  /** Lookups that needed the registry. */
  readonly misses: number;
  /** `hits / (hits + misses)`; 1 before any lookup. */
  readonly hitRatio: number;
  /** Entries held now (subject registrations plus compiled writer schemas). */
  readonly size: number;
  /** Entries pushed out by the size limit. */
  readonly evictions: number;
  /** Registry round trips made, and how many of them failed. */
  readonly registryCalls: number;
  readonly registryErrors: number;
  /** Registry round-trip times in ms: the last, the mean and the slowest. 0 before any. */
  readonly registryLatencyMs: {
    readonly last: number;
    readonly mean: number;
    readonly max: number;
  };
  /** Thresholds the numbers break now; empty when all is well. */
  readonly breaches: readonly SchemaCacheBreach[];
  /** When the snapshot was taken, in ms since the epoch. */
  readonly timestampMs: number;
}

const DEFAULT_MAX_ENTRIES = 1_000;
const DEFAULT_STATS_INTERVAL_MS = 5_000;
const DEFAULT_MIN_LOOKUPS = 100;

/**
 * The serde layer's memory of the registry: subject registrations (subject + schema → id) and
 * compiled writer schemas (id → avsc type), each in an LRU cache, with counters. Counting a hit
 * is an integer increment, so the per-message path stays cheap; `stats$` turns the counters into
 * a stream.
 *
 * @example
 * bus.schemaCache.stats$.pipe(filter((s) => s.breaches.length > 0)).subscribe(alert);
 */
export class MonitoredSchemaCache {
  readonly #ids: LRUCache<string, number>;
  readonly #writers: LRUCache<number, AvroType>;
  readonly #changes = new Subject<void>();
  readonly #statsIntervalMs: number;
  readonly #thresholds: SchemaCacheThresholds;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #calls = 0;
  #errors = 0;
  #latencyTotalMs = 0;
  #latencyLastMs = 0;
  #latencyMaxMs = 0;

  /**
   * Snapshots of the counters: one at subscription, one after every miss, eviction or registry
   * round trip, and one every `statsIntervalMs`. Never errors; unsubscribing stops its timer.
   */
  readonly stats$: Observable<SchemaCacheStats>;

  constructor(options: MonitoredSchemaCacheOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    const dispose = (_value: unknown, _key: unknown, reason: LRUCache.DisposeReason) => {
      if (reason === 'evict') {
        this.#evictions += 1;
        this.#changes.next();
      }
    };
    this.#ids = new LRUCache<string, number>({ max, dispose });
    this.#writers = new LRUCache<number, AvroType>({ max, dispose });
    this.#statsIntervalMs = options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS;
    this.#thresholds = options.thresholds ?? {};
    this.stats$ = merge(of(0), this.#changes, interval(this.#statsIntervalMs)).pipe(
      map(() => this.snapshot()),
    );
  }

  /** The id of a schema under a subject, when known. Counts a hit or a miss. */
  id(subject: string, schema: string): number | undefined {
    return this.#count(this.#ids.get(`${subject}\n${schema}`));
  }

  /** Remembers the id of a schema under a subject. */
  rememberId(subject: string, schema: string, id: number): void {
    this.#ids.set(`${subject}\n${schema}`, id);
  }

  /** The compiled writer schema with this id, when known. Counts a hit or a miss. */
  writer(id: number): AvroType | undefined {
    return this.#count(this.#writers.get(id));
  }

  /** Remembers a compiled writer schema. */
  rememberWriter(id: number, type: AvroType): void {
    this.#writers.set(id, type);
  }

  /** Runs one registry round trip, timing it. */
  async timed<T>(call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } catch (error) {
      this.#errors += 1;
      throw error;
    } finally {
      const tookMs = performance.now() - started;
      this.#calls += 1;
      this.#latencyLastMs = tookMs;
      this.#latencyTotalMs += tookMs;
      this.#latencyMaxMs = Math.max(this.#latencyMaxMs, tookMs);
      this.#changes.next();
    }
  }

  /** The counters now, with the thresholds they break. */
  snapshot(): SchemaCacheStats {
    const lookups = this.#hits + this.#misses;
    const hitRatio = lookups === 0 ? 1 : this.#hits / lookups;
    const mean = this.#calls === 0 ? 0 : this.#latencyTotalMs / this.#calls;
    const breaches: SchemaCacheBreach[] = [];
    const { minHitRatio, maxRegistryLatencyMs } = this.#thresholds;
    const minLookups = this.#thresholds.minLookups ?? DEFAULT_MIN_LOOKUPS;
    if (minHitRatio !== undefined && lookups >= minLookups && hitRatio < minHitRatio) {
      breaches.push({ threshold: 'minHitRatio', limit: minHitRatio, actual: hitRatio });
    }
    if (maxRegistryLatencyMs !== undefined && this.#calls > 0 && mean > maxRegistryLatencyMs) {
      breaches.push({
        threshold: 'maxRegistryLatencyMs',
        limit: maxRegistryLatencyMs,
        actual: mean,
      });
    }
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRatio,
      size: this.#ids.size + this.#writers.size,
      evictions: this.#evictions,
      registryCalls: this.#calls,
      registryErrors: this.#errors,
      registryLatencyMs: { last: this.#latencyLastMs, mean, max: this.#latencyMaxMs },
      breaches,
      timestampMs: Date.now(),
    };
  }

  #count<T>(found: T | undefined): T | undefined {
    if (found === undefined) {
      this.#misses += 1;
      this.#changes.next();
    } else {
      this.#hits += 1;
    }
    return found;
  }
}
