import {
  concat,
  defer,
  EMPTY,
  from,
  mergeMap,
  type ObservableInput,
  type OperatorFunction,
} from 'rxjs';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Committable } from './commit-each.js';

/** Options of {@link commitAfter}. */
export interface CommitAfterOptions {
  /** Messages processed at the same time. Default 1, which keeps their order. */
  readonly concurrency?: number;
}

/**
 * Runs `step` for each message (like `concatMap`, or `mergeMap` with `concurrency`), emits
 * what it emits, and commits the message once `step`'s Observable completes or its promise
 * resolves. If `step` fails the error goes down the error channel and the message is not
 * committed, so it is delivered again after a restart. The commit is not awaited (see
 * `commitEach`); out-of-order completions with `concurrency` above 1 are safe because the
 * consumer commits only up to the first unprocessed offset of each partition.
 *
 * @example
 * bus.consume(Orders, { groupId: 'billing' })
 *   .pipe(commitAfter((m) => bill(m.value), { concurrency: 4 }))
 *   .subscribe();
 */
export function commitAfter<T extends Committable, R>(
  step: (message: T) => ObservableInput<R>,
  options: CommitAfterOptions = {},
): OperatorFunction<T, R> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new KafkaBusError(`commitAfter: concurrency must be a positive integer`, {
      type: 'InvalidConfiguration',
      field: 'concurrency',
    });
  }
  return mergeMap(
    (message) =>
      concat(
        defer(() => from(step(message))),
        defer(() => {
          message.commit().catch(() => undefined);
          return EMPTY;
        }),
      ),
    concurrency,
  );
}
