import type { DriverProducerConfig } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';

/** Sizing and upkeep of a {@link ProducerPool}; every size is per producer settings. */
export interface ProducerPoolOptions {
  /**
   * Producers kept connected per settings once those settings have been used: idle trimming
   * stops here, and a failed producer is replaced in the background. Default 1.
   */
  readonly minSize?: number;
  /**
   * Producers per settings at most, in use or idle. A transactional id always allows one,
   * since two producers with the same id fence each other. Default 4.
   */
  readonly maxSize?: number;
  /** A producer idle this long, in ms, is disconnected unless at `minSize`. Default 60 000. */
  readonly idleTimeoutMs?: number;
  /** How often idle producers are checked, in ms. Default 30 000. */
  readonly healthCheckIntervalMs?: number;
  /**
   * How long an acquire waits for a producer when `maxSize` are in use, in ms, before failing
   * with `ProducerQueueFull`. Default 30 000.
   */
  readonly acquireTimeoutMs?: number;
}

/** A snapshot of a {@link ProducerPool}, over all settings. */
export interface ProducerPoolState {
  /** Producers connected or connecting. */
  readonly size: number;
  /** Producers handed out and not yet released. */
  readonly inUse: number;
  /** Producers connected and free. */
  readonly idle: number;
  /** Acquires waiting for a producer. */
  readonly waiting: number;
  /** Producers created since the pool started. */
  readonly created: number;
  /** Producers disconnected since the pool started (trimmed, failed or closed). */
  readonly destroyed: number;
  /** Producers found failed: connect failed, a send failed the connection, or a check failed. */
  readonly failures: number;
}

/** The options with every default filled in. */
export type ProducerPoolLimits = Required<ProducerPoolOptions>;

const DEFAULT_MIN_SIZE = 1;
const DEFAULT_MAX_SIZE = 4;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 30_000;
const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;

/**
 * Fills in defaults and checks the options once.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the field, as `producerPool.<field>`.
 */
export function producerPoolLimits(options: ProducerPoolOptions = {}): ProducerPoolLimits {
  const limits = {
    minSize: options.minSize ?? DEFAULT_MIN_SIZE,
    maxSize: options.maxSize ?? DEFAULT_MAX_SIZE,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    healthCheckIntervalMs: options.healthCheckIntervalMs ?? DEFAULT_HEALTH_CHECK_INTERVAL_MS,
    acquireTimeoutMs: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
  };
  check('minSize', limits.minSize, 0);
  check('maxSize', limits.maxSize, 1);
  check('idleTimeoutMs', limits.idleTimeoutMs, 1);
  check('healthCheckIntervalMs', limits.healthCheckIntervalMs, 1);
  check('acquireTimeoutMs', limits.acquireTimeoutMs, 1);
  if (limits.minSize > limits.maxSize) {
    invalid('producerPool.minSize', `(${limits.minSize}) must not exceed maxSize`);
  }
  return limits;
}

/**
 * Checks producer settings once.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the field, as `<prefix>.<field>`.
 */
export function validateProducerConfig(config: DriverProducerConfig, prefix: string): void {
  const { acks, idempotent, compression, transactionalId } = config;
  if (acks !== undefined && acks !== -1 && acks !== 0 && acks !== 1) {
    invalid(`${prefix}.acks`, `must be -1, 0 or 1, got ${String(acks)}`);
  }
  if ((idempotent ?? true) && acks !== undefined && acks !== -1) {
    invalid(`${prefix}.acks`, `must be -1 for an idempotent producer, got ${acks}`);
  }
  if (idempotent !== undefined && typeof idempotent !== 'boolean') {
    invalid(`${prefix}.idempotent`, 'must be a boolean');
  }
  if (compression !== undefined && compression !== 'none' && compression !== 'gzip') {
    invalid(`${prefix}.compression`, `must be "none" or "gzip", got ${String(compression)}`);
  }
  if (transactionalId !== undefined && (typeof transactionalId !== 'string' || !transactionalId)) {
    invalid(`${prefix}.transactionalId`, 'must be a non-empty string');
  }
}

/** The pool key of producer settings: settings that are equal after defaults share producers. */
export function producerKey(config: DriverProducerConfig): string {
  const idempotent = config.idempotent ?? true;
  const acks = idempotent ? -1 : (config.acks ?? -1);
  const compression = config.compression ?? 'none';
  return JSON.stringify([acks, idempotent, compression, config.transactionalId ?? null]);
}

function check(field: keyof ProducerPoolOptions, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    invalid(`producerPool.${field}`, `must be an integer of at least ${min}, got ${value}`);
  }
}

function invalid(field: string, problem: string): never {
  throw new KafkaBusError(`Option ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
