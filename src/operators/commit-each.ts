import { map, type MonoTypeOperatorFunction } from 'rxjs';

/** Anything that can be committed, such as a `KafkaMessage` or a `KafkaBatch`. */
export interface Committable {
  commit(): Promise<void>;
}

/**
 * Commits each value as it passes: put it after the step that processes the message, and
 * a message is committed only once that step emitted it. The value is passed on at once
 * without waiting for the commit, which the consumer coalesces with others and sends only up
 * to the first unprocessed message of the partition; a commit that fails is logged by the
 * consumer and covered by the next one, so it does not end the stream.
 *
 * @example
 * bus.consume(Orders, { groupId: 'billing' })
 *   .pipe(concatMap(async (m) => { await bill(m.value); return m; }), commitEach())
 *   .subscribe();
 */
export function commitEach<T extends Committable>(): MonoTypeOperatorFunction<T> {
  return map((value) => {
    value.commit().catch(() => undefined);
    return value;
  });
}
