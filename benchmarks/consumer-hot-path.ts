/**
 * The consumer's own per-record cost, without a broker: a fake driver hands prepared batches
 * of 1 000 Avro records (4 partitions) to `consumeBatches` (committing every batch) or to
 * `consume` (committing every message), and the process CPU time per record is reported. The
 * kafkajs fetch and its decoding are not included, so this isolates what the bus adds on top
 * of raw `eachBatch` / `eachMessage`, with less noise than the broker benchmark.
 *
 *   node --expose-gc --import tsx benchmarks/consumer-hot-path.ts [batches|messages]
 *
 * Environment: BENCH_BATCHES (default 660: a warm-up round and ten measured rounds of 60).
 */
import type { Observable } from 'rxjs';

import { consumeBatches } from '../src/consumer/consume-batches.js';
import { consumeTopic } from '../src/consumer/consume-topic.js';
import type { ConsumerHandlers, DriverConsumer, KafkaDriver } from '../src/driver/kafka-driver.js';
import { defineTopic, silentLogger } from '../src/index.js';
import { SerializerManager } from '../src/serde/serializer-manager.js';
import { InMemorySchemaRegistry } from '../src/testing.js';

interface Reading {
  id: number;
  sensor: string;
  celsius: number;
}

const BATCHES = Number(process.env.BENCH_BATCHES ?? 660);
const ROUND_BATCHES = 60;
const BATCH_SIZE = 1_000;
const PARTITIONS = 4;

const Readings = defineTopic<Reading>({
  name: 'readings',
  value: {
    type: 'record',
    name: 'Reading',
    fields: [
      { name: 'id', type: 'int' },
      { name: 'sensor', type: 'string' },
      { name: 'celsius', type: 'double' },
    ],
  },
});

async function main(): Promise<void> {
  const mode = process.argv[2] === 'messages' ? 'messages' : 'batches';
  let handlers: ConsumerHandlers | undefined;
  const consumer: DriverConsumer = {
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (given) => {
      handlers = given;
    },
    commit: async () => undefined,
    seek: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    disconnect: async () => undefined,
  };
  const driver = { consumer: () => consumer } as unknown as KafkaDriver;
  const serializers = new SerializerManager({
    registry: new InMemorySchemaRegistry(),
    logger: silentLogger,
  });
  const encoder = await serializers.prepareEncoder(Readings);
  const deps = {
    driver,
    serializers,
    ensureTopic: async () => 1,
    logger: silentLogger,
    onStopping: () => undefined,
  };
  const options = {
    groupId: 'bench',
    maxBatchSize: BATCH_SIZE,
    maxWaitMs: 50,
    highWaterMark: 10_000,
  };
  let received = 0;
  const stream: Observable<{ commit(): Promise<void> }> =
    mode === 'batches'
      ? consumeBatches(Readings, options, deps)
      : consumeTopic(Readings, options, deps);
  const subscription = stream.subscribe((item) => {
    received += 'messages' in item ? (item.messages as unknown[]).length : 1;
    item.commit().catch(() => undefined);
  });
  await new Promise((resolve) => setTimeout(resolve, 50));

  const header = Buffer.from('0123456789abcdef');
  const next = new Array<number>(PARTITIONS).fill(0);
  const prepared = Array.from({ length: BATCHES }, (_, round) => {
    const partition = round % PARTITIONS;
    const first = next[partition] as number;
    next[partition] = first + BATCH_SIZE;
    const records = Array.from({ length: BATCH_SIZE }, (_, i) => ({
      offset: String(first + i),
      key: Buffer.from(`sensor-${i % 16}`),
      value: encoder.encode({ id: i, sensor: 'hall', celsius: 21.5 }),
      headers: { 'message-id': header },
      timestamp: '1700000000000',
    }));
    return { topic: Readings.name, partition, highWatermark: '0', records };
  });
  (globalThis as { gc?: () => void }).gc?.();

  // Rounds of ROUND_BATCHES batches; the first warms the JIT up and is not counted.
  const perRecord: number[] = [];
  for (let start = 0; start < prepared.length; start += ROUND_BATCHES) {
    const before = received;
    const cpuBefore = process.cpuUsage();
    for (const batch of prepared.slice(start, start + ROUND_BATCHES)) {
      await handlers?.onBatch(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const cpu = process.cpuUsage(cpuBefore);
    if (start > 0) perRecord.push(((cpu.user + cpu.system) * 1_000) / (received - before));
  }
  subscription.unsubscribe();
  perRecord.sort((a, b) => a - b);
  const median = Math.round(perRecord[perRecord.length >> 1] ?? NaN);
  const best = Math.round(perRecord[0] ?? NaN);
  console.log(
    `${mode}: ${received} records, ns CPU per record: median ${median}, best ${best}` +
      ` (${perRecord.length} rounds of ${ROUND_BATCHES * BATCH_SIZE})`,
  );
}

await main();
process.exit(0);
