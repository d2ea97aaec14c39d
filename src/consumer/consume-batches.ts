import { filter, map, type Observable } from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import { batchArraysBy } from '../operators/batch-by.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import type { ConsumeOptions } from './consume-options.js';
import { sessionStream, type ConsumeTopicDeps } from './consume-topic.js';
import type { KafkaBatch, KafkaMessage } from './kafka-message.js';

/** Options of `bus.consumeBatches`. */
export interface ConsumeBatchesOptions extends ConsumeOptions {
  /** A batch is emitted as soon as it holds this many messages. Default 100. */
  readonly maxBatchSize?: number;
  /** A batch is emitted this long after its first message arrived, in ms. Default 1 000. */
  readonly maxWaitMs?: number;
}

/** Defaults of {@link ConsumeBatchesOptions}. */
export const CONSUME_BATCHES_DEFAULTS = { maxBatchSize: 100, maxWaitMs: 1_000 } as const;

/**
 * A cold Observable of batches of the topic's messages (across partitions, each partition's
 * messages in offset order), cut by size or by time since a batch's first message. Messages
 * of partitions revoked while they waited in an unfinished batch are left out of it.
 */
export function consumeBatches<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  options: ConsumeBatchesOptions,
  deps: ConsumeTopicDeps,
): Observable<KafkaBatch<V, K>> {
  const maxBatchSize = options.maxBatchSize ?? CONSUME_BATCHES_DEFAULTS.maxBatchSize;
  const maxWaitMs = options.maxWaitMs ?? CONSUME_BATCHES_DEFAULTS.maxWaitMs;
  const highWaterMark = options.highWaterMark;
  if (highWaterMark !== undefined && maxBatchSize > highWaterMark) {
    // A partition pauses at the high-water mark, so a bigger batch would only fill by time.
    throw new KafkaBusError('maxBatchSize must not exceed highWaterMark', {
      type: 'InvalidConfiguration',
      field: 'maxBatchSize',
    });
  }
  const batching = batchArraysBy<KafkaMessage<V, K>>({ maxBatchSize, maxWaitMs });

  return sessionStream(topic, options, deps, ({ chunks, session }) => {
    const assigned = (message: KafkaMessage<V, K>) => session.isAssigned(message);
    return chunks.pipe(
      batching,
      // Usually every partition is still assigned: keep the array rather than copy it.
      map((batch) => (batch.every(assigned) ? batch : batch.filter(assigned))),
      filter((batch) => batch.length > 0),
      map((messages): KafkaBatch<V, K> => ({
        messages,
        commit: () => session.commitAll(messages),
      })),
    );
  });
}
