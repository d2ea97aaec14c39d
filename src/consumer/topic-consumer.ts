import { interval, map, type Observable, share, startWith } from 'rxjs';

import type { TopicPartition } from '../driver/kafka-driver.js';
import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { CONSUME_DEFAULTS, type ConsumeOptions } from './consume-options.js';
import { sessionStream, type ConsumeTopicDeps } from './consume-topic.js';
import type { ConsumerSession } from './consumer-session.js';
import type { ConsumerStats } from './consumer-stats.js';
import type { KafkaMessage } from './kafka-message.js';

/**
 * One group member of a topic with its controls, as `bus.consumer` returns it. The member
 * joins when `messages$` gets its first subscriber and leaves (after committing what was
 * processed) when the last one unsubscribes; subscribing again joins anew.
 */
export interface TopicConsumer<V, K extends MessageKey = string> {
  readonly topic: TopicDefinition<V, K>;
  readonly groupId: string;
  /**
   * The member's messages, shared by all subscribers: each message is emitted once to each
   * of them, and one `commit()` per message is enough. Per-partition order is kept.
   */
  readonly messages$: Observable<KafkaMessage<V, K>>;
  /**
   * Emits {@link ConsumerStats} every `statsIntervalMs` (and once at once) while subscribed,
   * whether or not the member runs (state `idle` when it does not).
   */
  readonly stats$: Observable<ConsumerStats>;
  /** A snapshot of received, committed, lag and pending counts per partition. */
  stats(): ConsumerStats;
  /** Partitions this member owns since the last rebalance; empty when not running. */
  assignedPartitions(): TopicPartition[];
  /**
   * Moves the fetch position of an assigned partition. Messages of that partition emitted
   * before and not yet committed are forgotten; nothing is committed by the seek itself.
   *
   * @throws KafkaBusError `InvalidConfiguration` when the member is not running or does not
   *   own the partition.
   */
  seek(position: { readonly partition: number; readonly offset: string | number }): void;
}

/** Creates the handle of one group member (see {@link TopicConsumer}). */
export function createTopicConsumer<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  options: ConsumeOptions,
  deps: ConsumeTopicDeps,
): TopicConsumer<V, K> {
  let current: ConsumerSession<V, K> | undefined;
  const messages$ = sessionStream(
    topic,
    options,
    deps,
    ({ messages }) => messages,
    (session) => (current = session),
  ).pipe(share());
  const stats = (): ConsumerStats =>
    current?.stats() ?? {
      topic: topic.name,
      groupId: options.groupId,
      state: 'idle',
      assigned: [],
      paused: [],
      received: 0,
      pending: 0,
      lag: 0,
      partitions: [],
    };
  const statsIntervalMs = options.statsIntervalMs ?? CONSUME_DEFAULTS.statsIntervalMs;

  return {
    topic,
    groupId: options.groupId,
    messages$,
    stats$: interval(statsIntervalMs).pipe(startWith(0), map(stats)),
    stats,
    assignedPartitions: () => current?.assignedPartitions() ?? [],
    seek: (position) => {
      if (!current) {
        throw new KafkaBusError(`Cannot seek ${topic.name}: the consumer is not running`, {
          type: 'InvalidConfiguration',
          field: 'partition',
          topic: topic.name,
        });
      }
      current.seek(position);
    },
  };
}
