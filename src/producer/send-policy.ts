import pRetry from 'p-retry';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { RetryPolicy } from './message-context.js';

const DEFAULT_RETRY_MIN_DELAY_MS = 100;
const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;

/** Rejects with `NetworkTimeout` naming the topic when `work` takes longer than `timeoutMs`. */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number | undefined,
  topic: string,
): Promise<T> {
  if (timeoutMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `Send to ${topic} got no acknowledgement within ${timeoutMs} ms`;
      reject(new KafkaBusError(message, { type: 'NetworkTimeout', topic }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `attempt` again with backoff while it fails with a retriable {@link KafkaBusError}. */
export function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minDelayMs ?? DEFAULT_RETRY_MIN_DELAY_MS,
    maxTimeout: policy.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    shouldRetry: ({ error }) => error instanceof KafkaBusError && error.retriable,
  });
}
