import { randomBytes } from 'node:crypto';

import type {
  DriverAdmin,
  FetchedBatch,
  KafkaDriver,
  TopicPartition,
} from '../driver/kafka-driver.js';
import { isKafkaBusError, KafkaBusError } from '../errors/kafka-bus-error.js';
import type { Logger } from '../logging/logger.js';
import type { SerializerManager } from '../serde/serializer-manager.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';
import { decodeRecord, prepareRecords } from './decode-record.js';
import type { KafkaMessage } from './kafka-message.js';

/** Where `bus.fetch` starts reading. */
export type FetchFrom =
  'beginning' | 'end' | { readonly timestamp: number } | Readonly<Record<number, string | number>>;

/** Options of `bus.fetch`. */
export interface FetchOptions {
  /**
   * Where to start: the oldest message still stored, the end (nothing is read: the end is
   * taken when the call starts), the first message at or after a timestamp (ms since the
   * epoch), or an offset per partition (partitions left out are not read). Default
   * `'beginning'`.
   */
  readonly from?: FetchFrom;
  /** The first this many messages in partition-offset order are returned. Default 1 000. */
  readonly maxMessages?: number;
  /** Longest time the call may take, in ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Partitions to read; all by default. */
  readonly partitions?: readonly number[];
  /** Receives undecodable messages (`CorruptedMessage`); they are skipped otherwise. */
  readonly onCorrupted?: (error: KafkaBusError) => void;
}

/** Defaults of {@link FetchOptions}. */
export const FETCH_DEFAULTS = { maxMessages: 1_000, timeoutMs: 30_000 } as const;

/** Short broker waits: finished partitions are paused, and a paused poll sleeps this long. */
const FETCH_MAX_WAIT_MS = 100;

/** What {@link fetchHistory} is built on. */
export interface FetchHistoryDeps {
  readonly driver: KafkaDriver;
  readonly admin: () => Promise<DriverAdmin>;
  readonly serializers: SerializerManager;
  readonly ensureTopic: (topic: TopicDefinition<unknown, MessageKey>) => Promise<unknown>;
  readonly logger: Logger;
}

interface Range {
  next: bigint;
  readonly end: bigint;
  readonly messages: KafkaMessage<never, never>[];
}

/**
 * Reads stored messages of a topic, from `from` up to the end offsets seen when called, and
 * resolves with the first `maxMessages` of them in partition-offset order. No group's
 * committed offsets change: a throwaway group (one member, every partition) is joined, its
 * position set by seeking, and nothing is ever committed for it; it is left at the end.
 * kafkajs has no assign-without-group mode, so this costs one group join.
 *
 * @throws KafkaBusError `NetworkTimeout` when the end offsets are not reached in `timeoutMs`;
 *   `InvalidConfiguration` for bad options; broker errors as they come.
 */
export async function fetchHistory<V, K extends MessageKey>(
  topic: TopicDefinition<V, K>,
  options: FetchOptions,
  deps: FetchHistoryDeps,
): Promise<KafkaMessage<V, K>[]> {
  const maxMessages = options.maxMessages ?? FETCH_DEFAULTS.maxMessages;
  const timeoutMs = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw invalid('maxMessages', `must be a positive integer, got ${maxMessages}`);
  }
  if (!(timeoutMs > 0)) throw invalid('timeoutMs', `must be positive, got ${timeoutMs}`);
  const deadline = Date.now() + timeoutMs;

  await deps.ensureTopic(topic);
  const ranges = await rangesOf(topic.name, options, await deps.admin());
  if ([...ranges.values()].every((r) => r.next >= r.end)) return [];

  const consumer = deps.driver.consumer({
    groupId: `kafka-rx-bus-fetch-${randomBytes(8).toString('hex')}`,
    fromBeginning: true,
    fetchMaxWaitMs: FETCH_MAX_WAIT_MS,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe([topic.name]);
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(timeout(topic.name, timeoutMs)),
        Math.max(0, deadline - Date.now()),
      );
      const complete = (range: Range) =>
        range.next >= range.end || range.messages.length >= maxMessages;
      const finishIfDone = () => {
        if ([...ranges.values()].every(complete)) resolve();
      };
      const onBatch = async (batch: FetchedBatch) => {
        const range = ranges.get(batch.partition);
        const last = batch.records[batch.records.length - 1]?.offset;
        if (!range || complete(range)) return last;
        await prepareRecords(topic, deps.serializers, batch.records);
        const where = { topic: batch.topic, partition: batch.partition, offset: '' };
        for (const record of batch.records) {
          const offset = BigInt(record.offset);
          if (offset < range.next || offset >= range.end || complete(range)) continue;
          range.next = offset + 1n;
          where.offset = record.offset;
          try {
            const message = decodeRecord(topic, deps.serializers, record, where, noCommit);
            range.messages.push(message as never);
          } catch (error) {
            if (!isKafkaBusError(error)) throw error;
            options.onCorrupted?.(error);
          }
        }
        if (complete(range)) consumer.pause([{ topic: batch.topic, partition: batch.partition }]);
        finishIfDone();
        return last;
      };
      const onAssigned = (partitions: readonly TopicPartition[]) => {
        const idle = partitions.filter((tp) => {
          const range = ranges.get(tp.partition);
          if (!range || complete(range)) return true;
          consumer.seek({ ...tp, offset: String(range.next) });
          return false;
        });
        consumer.pause(idle);
      };
      consumer
        .run({ onBatch, onAssigned, onCrash: reject })
        .then(finishIfDone, (error: unknown) => reject(error));
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch((error: unknown) => {
      deps.logger.warn({ error, topic: topic.name }, 'fetch consumer disconnect failed');
    });
  }

  return [...ranges.keys()]
    .sort((a, b) => a - b)
    .flatMap((p) => (ranges.get(p) as Range).messages as KafkaMessage<V, K>[])
    .slice(0, maxMessages);
}

async function rangesOf(
  topic: string,
  options: FetchOptions,
  admin: DriverAdmin,
): Promise<Map<number, Range>> {
  const bounds = await admin.fetchOffsets(topic);
  const from = options.from ?? 'beginning';
  const byTime =
    typeof from === 'object' && 'timestamp' in from
      ? new Map(
          (await admin.fetchOffsetsByTimestamp(topic, Number(from.timestamp))).map((o) => [
            o.partition,
            o.offset,
          ]),
        )
      : undefined;
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  const ranges = new Map<number, Range>();
  for (const { partition, low, high } of bounds) {
    if (wanted && !wanted.has(partition)) continue;
    let start: string | number | undefined;
    if (from === 'beginning') start = low;
    else if (from === 'end') start = high;
    else if (byTime) start = byTime.get(partition) ?? high;
    else start = (from as Readonly<Record<number, string | number>>)[partition];
    if (start === undefined) continue;
    if (!/^-?\d+$/.test(String(start))) throw invalid('from', `offset "${start}" is not one`);
    const end = BigInt(high);
    let next = BigInt(start);
    if (next < 0n) next = end; // no message at or after the timestamp
    if (next < BigInt(low)) next = BigInt(low);
    ranges.set(partition, { next, end, messages: [] });
  }
  return ranges;
}

function noCommit(): Promise<void> {
  return Promise.resolve();
}

function timeout(topic: string, timeoutMs: number): KafkaBusError {
  return new KafkaBusError(`Fetching ${topic} did not reach its end offsets in ${timeoutMs} ms`, {
    type: 'NetworkTimeout',
    topic,
  });
}

function invalid(field: string, problem: string): KafkaBusError {
  return new KafkaBusError(`Fetch option ${field} ${problem}`, {
    type: 'InvalidConfiguration',
    field,
  });
}
