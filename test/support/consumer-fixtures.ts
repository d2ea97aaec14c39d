import { defineTopic, type MessageBus, type TopicDefinition } from '../../src/index.js';
import { plainKafka, uniqueTopic } from './integration.js';

/** The value the consumer tests send. */
export interface Tick {
  id: number;
}

const tickSchema = {
  type: 'record',
  name: 'Tick',
  namespace: 'test.kafkarxbus',
  fields: [{ name: 'id', type: 'int' }],
};

/** A fresh topic of ticks with the given number of partitions. */
export function tickTopic(prefix: string, partitions = 1): TopicDefinition<Tick, string> {
  return defineTopic<Tick>({ name: uniqueTopic(prefix), value: tickSchema, partitions });
}

/** Sends ticks `from` (inclusive) to `to` (exclusive) to one partition. */
export async function sendTicks(
  bus: MessageBus,
  topic: TopicDefinition<Tick, string>,
  from: number,
  to: number,
  partition = 0,
): Promise<void> {
  const values = Array.from({ length: to - from }, (_, i) => ({ id: from + i }));
  await bus.sendBatch(topic, values, { partition });
}

/** A group's committed offsets of a topic, read with a plain kafkajs admin, by partition. */
export async function committedOffsets(
  groupId: string,
  topic: string,
): Promise<Map<number, string>> {
  const admin = plainKafka().admin();
  await admin.connect();
  try {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((answer?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** Polls `check` every 100 ms until it returns true; fails after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
