import type { TopicPartition } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import type { MessageKey } from '../topics/topic-definition.js';
import type { KafkaMessage } from './kafka-message.js';

/** Settings of {@link HandlerLanes}. */
export interface HandlerLanesOptions<V, K extends MessageKey> {
  readonly handler: (message: KafkaMessage<V, K>) => unknown;
  readonly concurrency: number;
  /** Lanes per partition and key rather than per partition. */
  readonly byKey: boolean;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly onFailed?: (error: unknown, message: KafkaMessage<V, K>) => void | Promise<void>;
  readonly logger: Logger;
}

interface Lane<V, K extends MessageKey> {
  readonly id: string;
  readonly partition: number;
  readonly queue: KafkaMessage<V, K>[];
  busy: boolean;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Runs a handler over messages in lanes: one message at a time per lane (a partition, or a
 * partition and key), up to `concurrency` lanes at once, taking turns one message each so a
 * busy partition cannot starve the others. A message is committed once its handler resolved,
 * or once `onFailed` accepted it after the last retry.
 */
export class HandlerLanes<V, K extends MessageKey> {
  readonly #options: HandlerLanesOptions<V, K>;
  readonly #lanes = new Map<string, Lane<V, K>>();
  readonly #ready: Lane<V, K>[] = [];
  #active = 0;
  #halted = false;

  constructor(options: HandlerLanesOptions<V, K>) {
    this.#options = options;
  }

  /** Queues a message on its lane. */
  push(message: KafkaMessage<V, K>): void {
    if (this.#halted) return;
    const id = this.#options.byKey
      ? `${message.partition}:${message.key === null ? '' : String(message.key)}`
      : String(message.partition);
    let lane = this.#lanes.get(id);
    if (!lane) {
      lane = { id, partition: message.partition, queue: [], busy: false };
      this.#lanes.set(id, lane);
      this.#ready.push(lane);
    }
    lane.queue.push(message);
    this.#pump();
  }

  /** Forgets queued messages of revoked partitions; running handlers finish. */
  drop(partitions: readonly TopicPartition[]): void {
    const lost = new Set(partitions.map((p) => p.partition));
    for (const lane of this.#lanes.values()) {
      if (lost.has(lane.partition)) lane.queue.length = 0;
    }
  }

  /** Starts no further handler. */
  halt(): void {
    this.#halted = true;
  }

  #pump(): void {
    while (!this.#halted && this.#active < this.#options.concurrency) {
      const lane = this.#ready.shift();
      if (!lane) return;
      const message = lane.queue.shift();
      if (!message) {
        this.#lanes.delete(lane.id);
        continue;
      }
      lane.busy = true;
      this.#active += 1;
      void this.#handle(message).finally(() => {
        this.#active -= 1;
        lane.busy = false;
        if (lane.queue.length > 0) this.#ready.push(lane);
        else this.#lanes.delete(lane.id);
        this.#pump();
      });
    }
  }

  async #handle(message: KafkaMessage<V, K>): Promise<void> {
    const { handler, retries, retryDelayMs, onFailed, logger } = this.#options;
    const where = { partition: message.partition, offset: message.offset };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await handler(message);
        break;
      } catch (error) {
        if (attempt < retries && !this.#halted) {
          logger.debug({ ...where, attempt, error }, 'handler failed, retrying');
          await delay(Math.min(retryDelayMs * 2 ** attempt, MAX_RETRY_DELAY_MS));
          continue;
        }
        if (!onFailed) {
          logger.error({ ...where, error }, 'handler failed; message left uncommitted');
          return;
        }
        try {
          await onFailed(error, message);
        } catch (routeError) {
          logger.error({ ...where, error: routeError }, 'onFailed threw; message uncommitted');
          return;
        }
        break;
      }
    }
    // Not awaited: commits are coalesced, and a failed one is covered by the next.
    message.commit().catch(() => undefined);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
