import { BehaviorSubject, type Observable } from 'rxjs';

import type { DriverProducer, DriverProducerConfig, KafkaDriver } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { KafkaErrorType } from '../errors/kafka-error-type.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import {
  producerKey,
  producerPoolLimits,
  type ProducerPoolLimits,
  type ProducerPoolOptions,
  type ProducerPoolState,
} from './producer-pool-options.js';

/** A producer handed out by {@link ProducerPool.acquire}; release it exactly once. */
export interface ProducerLease {
  readonly producer: DriverProducer;
  /**
   * Gives the producer back. Pass the error of a failed send: if it says the producer itself
   * is broken (see {@link ProducerPool}) the producer is disconnected instead of reused.
   */
  release(error?: unknown): void;
}

/** Send failures after which a producer is not trusted again. */
const PRODUCER_FAILURES: ReadonlySet<KafkaErrorType> = new Set<KafkaErrorType>([
  'BrokerUnavailable',
  'NetworkTimeout',
  'AuthenticationFailure',
  'UnrecoverableFailure',
]);

interface Member {
  readonly producer: DriverProducer;
  status: 'connecting' | 'idle' | 'busy' | 'checking';
  idleTimer?: NodeJS.Timeout;
}

interface Waiter {
  readonly resolve: (lease: ProducerLease) => void;
  readonly reject: (error: KafkaBusError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Slot {
  readonly key: string;
  readonly config: DriverProducerConfig;
  readonly maxSize: number;
  readonly members: Set<Member>;
  readonly waiters: Waiter[];
}

/**
 * Driver producers shared by the bus, keyed by their settings (acks, idempotence, compression,
 * transactional id): sends with equal settings share producers, others never do.
 *
 * - Leases are exclusive: a producer serves one request at a time, so `maxSize` (per settings)
 *   bounds the requests in flight with those settings. At `maxSize` an acquire waits, first
 *   come first served, up to `acquireTimeoutMs`, then fails with `ProducerQueueFull`.
 * - A producer is failed, disconnected and never handed out again when its connect fails,
 *   when a send through it fails with `BrokerUnavailable`, `NetworkTimeout` (an idempotent
 *   producer's sequence numbers are then uncertain), `AuthenticationFailure` or
 *   `UnrecoverableFailure`, or when its periodic `check()` (if the driver has one) rejects.
 *   Data and configuration errors (a too large message, an unknown topic) do not fail it.
 * - Sizes are per settings. A producer idle for `idleTimeoutMs` is disconnected unless the
 *   settings are down to `minSize`; below `minSize` the health check tops the settings up.
 * - Timers are unref'd and cleared by `close()`, which rejects waiting acquires, waits for
 *   leased producers to come back and disconnects every producer.
 *
 * @example
 * const pool = new ProducerPool(driver, { maxSize: 2 });
 * const metadata = await pool.use({ acks: -1 }, (producer) => producer.send(requests));
 * pool.state$.subscribe(({ size, inUse }) => gauge.set({ size, inUse }));
 * await pool.close();
 */
export class ProducerPool {
  readonly #driver: KafkaDriver;
  readonly #limits: ProducerPoolLimits;
  readonly #logger: Logger;
  readonly #slots = new Map<string, Slot>();
  readonly #disconnecting = new Set<Promise<void>>();
  readonly #state$: BehaviorSubject<ProducerPoolState>;
  #healthTimer: NodeJS.Timeout | undefined;
  #created = 0;
  #destroyed = 0;
  #failures = 0;
  #closed = false;
  #emptied: (() => void) | undefined;
  #empty: Promise<void> | undefined;

  /** @throws KafkaBusError `InvalidConfiguration` naming the `producerPool` field. */
  constructor(driver: KafkaDriver, options: ProducerPoolOptions = {}, logger = silentLogger) {
    this.#driver = driver;
    this.#limits = producerPoolLimits(options);
    this.#logger = logger;
    this.#state$ = new BehaviorSubject(this.#snapshot());
  }

  /** The current state, then one state per change; completes when the pool has closed. */
  get state$(): Observable<ProducerPoolState> {
    return this.#state$.asObservable();
  }

  /** The current state. */
  state(): ProducerPoolState {
    return this.#state$.value;
  }

  /**
   * Runs `work` on a producer with the given settings and releases it when `work` settles,
   * passing a failure on to {@link ProducerLease.release}.
   *
   * @throws KafkaBusError `ProducerQueueFull` when no producer frees up in time, the connect
   *   error of a new producer, `UnrecoverableFailure` once closed, or what `work` throws.
   */
  async use<T>(config: DriverProducerConfig, work: (p: DriverProducer) => Promise<T>) {
    const lease = await this.acquire(config);
    try {
      const result = await work(lease.producer);
      lease.release();
      return result;
    } catch (error) {
      lease.release(error);
      throw error;
    }
  }

  /**
   * Hands out an idle producer with the settings, connects a new one while below `maxSize`, or
   * waits for one to be released.
   *
   * @throws KafkaBusError as {@link use}.
   */
  acquire(config: DriverProducerConfig): Promise<ProducerLease> {
    if (this.#closed) return Promise.reject(closedError());
    const slot = this.#slot(config);
    for (const member of slot.members) {
      if (member.status === 'idle') return Promise.resolve(this.#lend(slot, member));
    }
    if (slot.members.size < slot.maxSize)
      return this.#connect(slot, true) as Promise<ProducerLease>;
    return new Promise<ProducerLease>((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.waiters.splice(slot.waiters.indexOf(waiter), 1);
        this.#emit();
        const message =
          `No producer was free within ${this.#limits.acquireTimeoutMs} ms ` +
          `(producerPool.maxSize ${slot.maxSize} in use)`;
        reject(new KafkaBusError(message, { type: 'ProducerQueueFull' }));
      }, this.#limits.acquireTimeoutMs);
      timer.unref();
      const waiter: Waiter = { resolve, reject, timer };
      slot.waiters.push(waiter);
      this.#emit();
    });
  }

  /**
   * Refuses new acquires, fails waiting ones with `UnrecoverableFailure`, waits for leased
   * producers to be released, and disconnects every producer. `state$` then completes.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearInterval(this.#healthTimer);
      for (const slot of this.#slots.values()) {
        for (const waiter of slot.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(closedError());
        }
        for (const member of slot.members) {
          if (member.status === 'idle') this.#destroy(slot, member);
        }
      }
      this.#emit();
    }
    this.#empty ??= new Promise<void>((resolve) => {
      this.#emptied = resolve;
      if (this.#snapshot().size === 0) resolve();
    });
    await this.#empty;
    await Promise.all(this.#disconnecting);
    this.#state$.complete();
  }

  #slot(config: DriverProducerConfig): Slot {
    const key = producerKey(config);
    let slot = this.#slots.get(key);
    if (!slot) {
      const maxSize = config.transactionalId === undefined ? this.#limits.maxSize : 1;
      slot = { key, config, maxSize, members: new Set(), waiters: [] };
      this.#slots.set(key, slot);
      this.#healthTimer ??= setInterval(() => this.#checkAll(), this.#limits.healthCheckIntervalMs);
      this.#healthTimer.unref();
      const topUp = slot;
      queueMicrotask(() => this.#topUp(topUp));
    }
    return slot;
  }

  async #connect(slot: Slot, lend: boolean): Promise<ProducerLease | undefined> {
    const member: Member = { producer: this.#driver.producer(slot.config), status: 'connecting' };
    slot.members.add(member);
    this.#created += 1;
    this.#emit();
    try {
      await member.producer.connect();
    } catch (error) {
      this.#fail(slot, member, error, 'producer could not connect');
      throw error;
    }
    if (this.#closed) {
      this.#destroy(slot, member);
      if (lend) throw closedError();
      return undefined;
    }
    this.#logger.info({ settings: slot.key }, 'producer connected');
    if (lend) return this.#lend(slot, member);
    this.#idle(slot, member);
    return undefined;
  }

  #lend(slot: Slot, member: Member): ProducerLease {
    clearTimeout(member.idleTimer);
    member.status = 'busy';
    this.#emit();
    let released = false;
    return {
      producer: member.producer,
      release: (error?: unknown) => {
        if (released) return;
        released = true;
        if (error instanceof KafkaBusError && PRODUCER_FAILURES.has(error.type)) {
          this.#fail(slot, member, error, 'producer failed a send; replacing it');
        } else this.#idle(slot, member);
      },
    };
  }

  #idle(slot: Slot, member: Member): void {
    if (this.#closed) return this.#destroy(slot, member);
    const waiter = slot.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(this.#lend(slot, member));
      return;
    }
    member.status = 'idle';
    member.idleTimer = setTimeout(() => {
      if (member.status === 'idle' && slot.members.size > this.#limits.minSize) {
        this.#logger.debug({ settings: slot.key }, 'idle producer trimmed');
        this.#destroy(slot, member);
      }
    }, this.#limits.idleTimeoutMs);
    member.idleTimer.unref();
    this.#emit();
  }

  #fail(slot: Slot, member: Member, error: unknown, message: string): void {
    this.#failures += 1;
    const type = error instanceof KafkaBusError ? error.type : undefined;
    this.#logger.warn({ settings: slot.key, type }, message);
    this.#destroy(slot, member);
    // Room has been made: a waiter may now connect a producer of its own.
    const waiter = slot.waiters.shift();
    if (waiter && !this.#closed) {
      clearTimeout(waiter.timer);
      this.#connect(slot, true).then((lease) => waiter.resolve(lease!), waiter.reject);
    }
  }

  #destroy(slot: Slot, member: Member): void {
    if (!slot.members.delete(member)) return;
    clearTimeout(member.idleTimer);
    this.#destroyed += 1;
    const disconnecting = member.producer.disconnect().catch((error: unknown) => {
      this.#logger.warn({ settings: slot.key, error }, 'producer did not disconnect cleanly');
    });
    this.#disconnecting.add(disconnecting);
    void disconnecting.finally(() => this.#disconnecting.delete(disconnecting));
    this.#emit();
  }

  #checkAll(): void {
    for (const slot of this.#slots.values()) {
      this.#topUp(slot);
      for (const member of slot.members) {
        if (member.status !== 'idle' || !member.producer.check) continue;
        clearTimeout(member.idleTimer);
        member.status = 'checking';
        member.producer.check().then(
          () => this.#idle(slot, member),
          (error: unknown) => this.#fail(slot, member, error, 'producer failed its health check'),
        );
      }
    }
  }

  #topUp(slot: Slot): void {
    if (this.#closed) return;
    for (let size = slot.members.size; size < this.#limits.minSize; size++) {
      this.#connect(slot, false).catch(() => undefined);
    }
  }

  #emit(): void {
    const state = this.#snapshot();
    this.#state$.next(state);
    if (this.#closed && state.size === 0) this.#emptied?.();
  }

  #snapshot(): ProducerPoolState {
    let size = 0;
    let inUse = 0;
    let idle = 0;
    let waiting = 0;
    for (const slot of this.#slots.values()) {
      size += slot.members.size;
      waiting += slot.waiters.length;
      for (const member of slot.members) {
        if (member.status === 'busy') inUse += 1;
        else if (member.status === 'idle') idle += 1;
      }
    }
    const counters = { created: this.#created, destroyed: this.#destroyed };
    return { size, inUse, idle, waiting, ...counters, failures: this.#failures };
  }
}

function closedError(): KafkaBusError {
  return new KafkaBusError('The producer pool is closed', { type: 'UnrecoverableFailure' });
}
