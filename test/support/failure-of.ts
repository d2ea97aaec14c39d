import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';

/**
 * Runs `work` (a promise, or a function that may throw or reject) and returns the
 * `KafkaBusError` it failed with; anything else — success or another error — fails the test.
 */
export async function failureOf(work: Promise<unknown> | (() => unknown)): Promise<KafkaBusError> {
  let outcome: unknown = undefined;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    outcome = error;
  }
  if (outcome instanceof KafkaBusError) return outcome;
  throw new Error(`expected a KafkaBusError, got ${outcome === undefined ? 'success' : outcome}`);
}
