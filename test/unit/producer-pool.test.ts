import { afterEach, describe, expect, it, vi } from 'vitest';

import type {
  DriverProducer,
  DriverProducerConfig,
  KafkaDriver,
  RecordMetadata,
} from '../../src/driver/kafka-driver.js';
import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { ProducerPool } from '../../src/producer/producer-pool.js';
import type { ProducerPoolState } from '../../src/producer/producer-pool-options.js';

/** A driver producer that only records what happens to it. */
class FakeProducer implements DriverProducer {
  connected = false;
  disconnected = false;
  checkError: KafkaBusError | undefined;
  check?: () => Promise<void>;

  constructor(
    readonly config: DriverProducerConfig,
    private readonly connectError?: KafkaBusError,
    checks = false,
  ) {
    if (checks) this.check = () => (this.checkError ? Promise.reject(this.checkError) : ok());
  }

  connect(): Promise<void> {
    if (this.connectError) return Promise.reject(this.connectError);
    this.connected = true;
    return ok();
  }

  send(): Promise<RecordMetadata[]> {
    return Promise.resolve([]);
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    return ok();
  }
}

function ok(): Promise<void> {
  return Promise.resolve();
}

/** A driver whose producers are {@link FakeProducer}s, kept in creation order. */
function fakeDriver(options: { failConnects?: number; checks?: boolean } = {}) {
  const made: FakeProducer[] = [];
  let failures = options.failConnects ?? 0;
  const driver: KafkaDriver = {
    producer: (config = {}) => {
      const error =
        failures-- > 0
          ? new KafkaBusError('connection refused', { type: 'BrokerUnavailable' })
          : undefined;
      const producer = new FakeProducer(config, error, options.checks);
      made.push(producer);
      return producer;
    },
    consumer: () => {
      throw new Error('no consumers here');
    },
    admin: () => {
      throw new Error('no admin here');
    },
  };
  return { driver, made };
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('producer pool', () => {
  it('reuses a released producer for equal settings and keeps other settings apart', async () => {
    const { driver, made } = fakeDriver();
    const pool = new ProducerPool(driver);
    const first = await pool.acquire({ acks: -1, idempotent: true });
    first.release();
    // Equal after defaults: idempotent with acks from all replicas.
    const again = await pool.acquire({});
    expect(again.producer).toBe(first.producer);
    const gzip = await pool.acquire({ compression: 'gzip' });
    expect(gzip.producer).not.toBe(first.producer);
    expect((gzip.producer as FakeProducer).config).toEqual({ compression: 'gzip' });
    again.release();
    gzip.release();
    expect(pool.state()).toMatchObject({ size: 2, inUse: 0, idle: 2, created: 2, destroyed: 0 });
    await pool.close();
    expect(made.every((p) => p.disconnected)).toBe(true);
  });

  it('waits at maxSize, hands a release to the first waiter, then times out', async () => {
    vi.useFakeTimers();
    const { driver } = fakeDriver();
    const pool = new ProducerPool(driver, { maxSize: 2, acquireTimeoutMs: 1_000 });
    const a = await pool.acquire({});
    const b = await pool.acquire({});
    const waiting = pool.acquire({});
    await settle();
    expect(pool.state()).toMatchObject({ size: 2, inUse: 2, waiting: 1 });
    a.release();
    const c = await waiting;
    expect(c.producer).toBe(a.producer);

    const late = pool.acquire({});
    const outcome = late.then(
      () => undefined,
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    const error = (await outcome) as KafkaBusError;
    expect(error).toBeInstanceOf(KafkaBusError);
    expect(error.type).toBe('ProducerQueueFull');
    expect(pool.state()).toMatchObject({ size: 2, waiting: 0, created: 2 });
    b.release();
    c.release();
    await pool.close();
  });

  it('trims idle producers down to minSize after idleTimeoutMs', async () => {
    vi.useFakeTimers();
    const { driver, made } = fakeDriver();
    const pool = new ProducerPool(driver, { minSize: 1, maxSize: 3, idleTimeoutMs: 5_000 });
    const leases = [await pool.acquire({}), await pool.acquire({}), await pool.acquire({})];
    for (const lease of leases) lease.release();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(pool.state()).toMatchObject({ size: 3, idle: 3 });
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.state()).toMatchObject({ size: 1, idle: 1, destroyed: 2 });
    expect(made.filter((p) => p.disconnected)).toHaveLength(2);
    await pool.close();
  });

  it('replaces a producer whose send broke the connection, not on a data error', async () => {
    const { driver, made } = fakeDriver();
    const pool = new ProducerPool(driver);
    const first = await pool.acquire({});
    first.release(new KafkaBusError('too large', { type: 'MessageTooLarge' }));
    const same = await pool.acquire({});
    expect(same.producer).toBe(first.producer);
    same.release(new KafkaBusError('broker gone', { type: 'BrokerUnavailable' }));
    expect(made[0]?.disconnected).toBe(true);
    expect(pool.state()).toMatchObject({ size: 0, failures: 1, destroyed: 1 });

    const next = await pool.use({}, async (producer) => producer);
    expect(next).not.toBe(first.producer);
    expect(pool.state()).toMatchObject({ size: 1, idle: 1, created: 2 });
    await pool.close();
  });

  it('fails the acquire whose connect fails and never hands that producer out', async () => {
    const { driver, made } = fakeDriver({ failConnects: 1 });
    const pool = new ProducerPool(driver);
    await expect(pool.acquire({})).rejects.toMatchObject({ type: 'BrokerUnavailable' });
    expect(pool.state()).toMatchObject({ size: 0, failures: 1, destroyed: 1 });
    const lease = await pool.acquire({});
    expect(lease.producer).toBe(made[1]);
    lease.release();
    await pool.close();
  });

  it('replaces an idle producer that fails its health check', async () => {
    vi.useFakeTimers();
    const { driver, made } = fakeDriver({ checks: true });
    const pool = new ProducerPool(driver, { healthCheckIntervalMs: 1_000 });
    (await pool.acquire({})).release();
    made[0]!.checkError = new KafkaBusError('no route', { type: 'BrokerUnavailable' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made[0]?.disconnected).toBe(true);
    expect(pool.state()).toMatchObject({ failures: 1, destroyed: 1 });
    // The next round tops the settings up to minSize again.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pool.state()).toMatchObject({ size: 1, idle: 1, created: 2 });
    const lease = await pool.acquire({});
    expect(lease.producer).toBe(made[1]);
    lease.release();
    await pool.close();
  });

  it('publishes every change on state$ and completes it on close', async () => {
    const { driver } = fakeDriver();
    const pool = new ProducerPool(driver);
    const states: ProducerPoolState[] = [];
    let completed = false;
    pool.state$.subscribe({ next: (s) => states.push(s), complete: () => (completed = true) });
    const lease = await pool.acquire({});
    lease.release();
    await pool.close();
    expect(completed).toBe(true);
    const view = states.map(({ size, inUse, idle }) => [size, inUse, idle]);
    expect(view).toEqual([
      [0, 0, 0], // initial
      [1, 0, 0], // connecting
      [1, 1, 0], // leased
      [1, 0, 1], // released
      [0, 0, 0], // disconnected by close
      [0, 0, 0], // closed
    ]);
    expect(states.at(-1)).toMatchObject({ created: 1, destroyed: 1, failures: 0 });
  });

  it('on close rejects waiters, disconnects a leased producer once released', async () => {
    const { driver, made } = fakeDriver();
    const pool = new ProducerPool(driver, { maxSize: 1 });
    const lease = await pool.acquire({});
    const waiting = pool.acquire({});
    const closed = pool.close();
    await expect(waiting).rejects.toMatchObject({ type: 'UnrecoverableFailure' });
    await expect(pool.acquire({})).rejects.toMatchObject({ type: 'UnrecoverableFailure' });
    await settle();
    expect(made[0]?.disconnected).toBe(false);
    lease.release();
    await closed;
    expect(made[0]?.disconnected).toBe(true);
    expect(pool.state()).toMatchObject({ size: 0, inUse: 0 });
  });

  it('validates its options naming the field', () => {
    const { driver } = fakeDriver();
    expect(() => new ProducerPool(driver, { maxSize: 0 })).toThrow(
      expect.objectContaining({ type: 'InvalidConfiguration', field: 'producerPool.maxSize' }),
    );
    expect(() => new ProducerPool(driver, { minSize: 3, maxSize: 2 })).toThrow(
      expect.objectContaining({ field: 'producerPool.minSize' }),
    );
  });
});
