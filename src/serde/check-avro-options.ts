import { KafkaBusError } from '../errors/kafka-bus-error.js';
import { checkSubjectNameStrategy } from './subject-name-strategy.js';

/** The `avro` options of the bus, as far as the serde layer reads them. */
interface AvroOptions {
  readonly autoRegister?: unknown;
  readonly maxCachedSchemas?: unknown;
  readonly subjectNameStrategy?: unknown;
  readonly preload?: unknown;
  readonly cacheThresholds?: {
    readonly minHitRatio?: unknown;
    readonly maxRegistryLatencyMs?: unknown;
    readonly minLookups?: unknown;
  };
  readonly cacheStatsIntervalMs?: unknown;
}

/**
 * Checks the bus's `avro` options once, at construction.
 *
 * @throws KafkaBusError `InvalidConfiguration` naming the option (`avro.<name>`).
 */
export function checkAvroOptions(avro: AvroOptions | undefined): void {
  if (avro === undefined) return;
  if (avro === null || typeof avro !== 'object') invalid('avro', 'must be an object', avro);
  if (avro.autoRegister !== undefined && typeof avro.autoRegister !== 'boolean') {
    invalid('avro.autoRegister', 'must be a boolean', avro.autoRegister);
  }
  positiveInteger('avro.maxCachedSchemas', avro.maxCachedSchemas);
  positiveInteger('avro.cacheStatsIntervalMs', avro.cacheStatsIntervalMs);
  if (avro.subjectNameStrategy !== undefined) checkSubjectNameStrategy(avro.subjectNameStrategy);
  if (avro.preload !== undefined) {
    const ok =
      Array.isArray(avro.preload) &&
      avro.preload.every((t) => typeof t === 'object' && t !== null && 'valueSchema' in t);
    if (!ok) invalid('avro.preload', 'must be a list of topic definitions', avro.preload);
  }
  const thresholds = avro.cacheThresholds;
  if (thresholds !== undefined) {
    const ratio = thresholds.minHitRatio;
    if (ratio !== undefined && (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1))) {
      invalid('avro.cacheThresholds.minHitRatio', 'must be a number from 0 to 1', ratio);
    }
    positiveInteger('avro.cacheThresholds.maxRegistryLatencyMs', thresholds.maxRegistryLatencyMs);
    positiveInteger('avro.cacheThresholds.minLookups', thresholds.minLookups);
  }
}

function positiveInteger(field: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
    invalid(field, 'must be a positive integer', value);
  }
}

function invalid(field: string, problem: string, value: unknown): never {
  throw new KafkaBusError(`createMessageBus: ${field} ${problem}, got ${describe(value)}`, {
    type: 'InvalidConfiguration',
    field,
  });
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
