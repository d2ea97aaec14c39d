import { Observable } from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { CONSUME_DEFAULTS, type ConsumeOptions } from './consume-options.js';
import { sessionStream, type ConsumeTopicDeps } from './consume-topic.js';
import type { ConsumerSession } from './consumer-session.js';
import type { ConsumerStats } from './consumer-stats.js';
import type { KafkaMessage } from './kafka-message.js';
import { HandlerLanes } from './handler-lanes.js';

/** Options of `bus.subscribe`. */
export interface SubscribeOptions<V, K extends MessageKey> extends ConsumeOptions {
  /** Messages handled at the same time, each from a different lane. Default 1. */
  readonly concurrency?: number;
  /**
   * What keeps its order: `'partition'` (default) handles a partition's messages one after
   * the other; `'key'` only those with the same key, so one partition can use several slots.
   */
  readonly orderBy?: 'partition' | 'key';
  /** Further attempts after a handler fails. Default 3. */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each next one (at most 30 s), in ms. Default 200. */
  readonly retryDelayMs?: number;
  /**
   * Receives a message whose handler failed on every attempt, with the last error. When it
   * returns or resolves, the message counts as handled and is committed (route it to a dead
   * letter topic here). Without it, or when it throws, the message stays uncommitted: the
   * partition's commit point stops there, so it comes again after a restart or rebalance,
   * and the partition pauses once `highWaterMark` messages wait behind it. Other partitions
   * carry on either way.
   */
  readonly onFailed?: (error: unknown, message: KafkaMessage<V, K>) => void | Promise<void>;
}

/** Defaults of {@link SubscribeOptions}. */
export const SUBSCRIBE_DEFAULTS = { concurrency: 1, retries: 3, retryDelayMs: 200 } as const;

/** A running managed subscription, as `bus.subscribe` returns it. */
export interface ManagedSubscription {
  /**
   * Stops fetching, lets handlers already running and queued messages finish for up to
   * `closeDrainMs`, commits what was handled and leaves the group. Resolves when done.
   */
  stop(): Promise<void>;
  /** Settles when the subscription ends: rejects with the `KafkaBusError` that stopped it. */
  readonly done: Promise<void>;
  /** A snapshot of the member (see `TopicConsumer.stats`). */
  stats(): ConsumerStats | undefined;
}

/** Runs `handler` for every message of the topic; see `MessageBus.subscribe`. */
export function subscribeTopic<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  handler: (message: KafkaMessage<V, K>) => unknown,
  options: SubscribeOptions<V, K>,
  deps: ConsumeTopicDeps,
): ManagedSubscription {
  validate(options);
  const logger = deps.logger.child({ component: 'subscription', topic: topic.name });
  let session: ConsumerSession<V, K> | undefined;
  let lanes: HandlerLanes<V, K> | undefined;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined);

  const stream = sessionStream(
    topic,
    options,
    deps,
    ({ messages, revoked }) =>
      new Observable<never>((subscriber) => {
        const own = new HandlerLanes<V, K>({
          handler,
          concurrency: options.concurrency ?? SUBSCRIBE_DEFAULTS.concurrency,
          byKey: options.orderBy === 'key',
          retries: options.retries ?? SUBSCRIBE_DEFAULTS.retries,
          retryDelayMs: options.retryDelayMs ?? SUBSCRIBE_DEFAULTS.retryDelayMs,
          onFailed: options.onFailed,
          logger,
        });
        lanes = own;
        const subscriptions = [
          messages.subscribe({
            next: (message) => own.push(message),
            error: (error: unknown) => subscriber.error(error),
          }),
          revoked.subscribe((partitions) => own.drop(partitions)),
        ];
        return () => {
          own.halt();
          for (const s of subscriptions) s.unsubscribe();
        };
      }),
    (current) => (session = current ?? session),
  );
  const subscription = stream.subscribe({
    error: (error: unknown) => settle?.reject(error),
    complete: () => settle?.resolve(),
  });

  return {
    done,
    stats: () => session?.stats(),
    stop: async () => {
      await session?.stop(options.closeDrainMs ?? CONSUME_DEFAULTS.closeDrainMs);
      lanes?.halt();
      subscription.unsubscribe();
      settle?.resolve();
    },
  };
}

function validate<V, K extends MessageKey>(options: SubscribeOptions<V, K>): void {
  const { concurrency, retries, retryDelayMs } = options;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw invalid('concurrency', `must be a positive integer, got ${concurrency}`);
  }
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    throw invalid('retries', `must be a whole number, got ${retries}`);
  }
  if (retryDelayMs !== undefined && !(retryDelayMs >= 0 && Number.isFinite(retryDelayMs))) {
    throw invalid('retryDelayMs', `must be zero or more ms, got ${retryDelayMs}`);
  }
  if (options.orderBy !== undefined && !['partition', 'key'].includes(options.orderBy)) {
    throw invalid('orderBy', `must be 'partition' or 'key'`);
  }
}

function invalid(field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`Subscription option ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
