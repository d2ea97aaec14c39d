import { concatAll, Observable, Subject } from 'rxjs';

import type { TopicPartition } from '../driver/kafka-driver.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { ConsumeOptions } from './consume-options.js';
import { ConsumerSession, type ConsumerSessionDeps } from './consumer-session.js';
import type { ConsumerStats } from './consumer-stats.js';
import type { KafkaMessage } from './kafka-message.js';

/** Hooks the bus uses to follow the sessions it started. */
export interface ConsumeTopicDeps extends ConsumerSessionDeps {
  /** Called with the promise of a session's shutdown, so `close()` can wait for it. */
  readonly onStopping: (stopped: Promise<void>) => void;
  /**
   * Called when a session starts, with a way to stop it and to read its state; the returned
   * function is called when it ends.
   */
  readonly onRunning?: (
    stop: (drainMs: number) => Promise<void>,
    stats: () => ConsumerStats,
  ) => () => void;
}

/** What a stream built on a session sees. */
export interface SessionStreamContext<V, K extends MessageKey> {
  readonly messages: Observable<KafkaMessage<V, K>>;
  /** The same messages as they leave the session: arrays of one partition's messages. */
  readonly chunks: Observable<readonly KafkaMessage<V, K>[]>;
  /** Partitions taken away at rebalances. */
  readonly revoked: Observable<readonly TopicPartition[]>;
  readonly session: ConsumerSession<V, K>;
}

/**
 * A cold Observable of the topic's messages: each subscription is one group member. Errors
 * that stop the consumer arrive on the error channel as `KafkaBusError`s; unsubscribing
 * commits what was processed and leaves the group.
 */
export function consumeTopic<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  options: ConsumeOptions,
  deps: ConsumeTopicDeps,
): Observable<KafkaMessage<V, K>> {
  return sessionStream(topic, options, deps, ({ messages }) => messages);
}

/**
 * A cold Observable built on one group member: subscribing starts a session and subscribes
 * to what `build` makes of its messages; unsubscribing stops the session (committing what was
 * processed). `bus.close()` stops the session too, after a drain, and completes the stream.
 */
export function sessionStream<V, K extends MessageKey, T>(
  topic: TopicDefinition<V, K>,
  options: ConsumeOptions,
  deps: ConsumeTopicDeps,
  build: (context: SessionStreamContext<V, K>) => Observable<T>,
  onSession?: (session: ConsumerSession<V, K> | undefined) => void,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const chunks = new Subject<readonly KafkaMessage<V, K>[]>();
    const revoked = new Subject<readonly TopicPartition[]>();
    const session = new ConsumerSession(topic, options, deps, {
      next: (messages) => chunks.next(messages),
      error: (error) => chunks.error(error),
      revoked: (partitions) => revoked.next(partitions),
    });
    onSession?.(session);
    const messages = chunks.pipe(concatAll());
    const subscription = build({ messages, chunks, revoked, session }).subscribe(subscriber);
    const forget = deps.onRunning?.(
      async (drainMs) => {
        await session.stop(drainMs);
        subscriber.complete();
      },
      () => session.stats(),
    );
    session.start().catch((error: unknown) => chunks.error(error));

    return () => {
      forget?.();
      onSession?.(undefined);
      subscription.unsubscribe();
      const stopped = session.stop().catch((error: unknown) => {
        deps.logger.warn({ error, topic: topic.name }, 'consumer stop failed');
      });
      deps.onStopping(stopped);
    };
  });
}
