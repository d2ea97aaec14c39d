import { Observable } from 'rxjs';

import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { ConsumeOptions } from './consume-options.js';
import { ConsumerSession, type ConsumerSessionDeps } from './consumer-session.js';
import type { KafkaMessage } from './kafka-message.js';

/** Hooks the bus uses to follow the sessions it started. */
export interface ConsumeTopicDeps extends ConsumerSessionDeps {
  /** Called with the promise of a session's shutdown, so `close()` can wait for it. */
  readonly onStopping: (stopped: Promise<void>) => void;
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
  return new Observable<KafkaMessage<V, K>>((subscriber) => {
    const session = new ConsumerSession(topic, options, deps, {
      next: (message) => subscriber.next(message),
      error: (error) => subscriber.error(error),
    });
    session.start().catch((error: unknown) => subscriber.error(error));

    return () => {
      const stopped = session.stop().catch((error: unknown) => {
        deps.logger.warn({ error, topic: topic.name }, 'consumer stop failed');
      });
      deps.onStopping(stopped);
    };
  });
}
