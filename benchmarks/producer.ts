/**
 * Producer throughput: a bus sink against a tuned raw kafkajs producer sending the same
 * batches, and against naive code that awaits one send per message.
 *
 * Run against your own broker: `npx tsx benchmarks/producer.ts` (KAFKA_PORT and
 * SCHEMA_REGISTRY_PORT select the services, as for the tests).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

import avro from 'avsc';
import kafkajs from 'kafkajs';

import { createMessageBus, defineTopic } from '../src/index.js';
import { messageIdSource } from '../src/producer/message-ids.js';

interface Reading {
  id: string;
  sensor: string;
  value: number;
}

const schema = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'sensor', type: 'string' },
    { name: 'value', type: 'double' },
  ],
};

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const NAIVE_MESSAGES = Number(process.env.BENCH_NAIVE_MESSAGES ?? 2_000);
const BATCH_SIZE = 1_000;
const brokers = [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`];
const registryUrl = `http://127.0.0.1:${process.env.SCHEMA_REGISTRY_PORT ?? '8081'}/apis/ccompat/v7`;

/** Deletes a benchmark topic: left behind, 10 MB topics slow every later broker restart. */
async function dropTopic(topic: string): Promise<void> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

function topicName(prefix: string): string {
  return `bench-${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function readings(count: number): Reading[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `r-${n}`,
    sensor: `s-${n % 64}`,
    value: n * 0.5,
  }));
}

async function sinkRun(): Promise<number> {
  const bus = createMessageBus({ brokers, schemaRegistry: { url: registryUrl } });
  const Readings = defineTopic<Reading>({
    name: topicName('sink'),
    value: schema,
    key: (r) => r.sensor,
    partitions: 6,
  });
  await bus.send(Readings, { id: 'warm', sensor: 'w', value: 0 });
  const values = readings(MESSAGES);
  const started = performance.now();
  const sink = bus.sink(Readings, { maxBatchSize: BATCH_SIZE, maxWaitMs: 5 });
  let failed = 0;
  sink.outcomes$.subscribe((o) => (failed += o.ok ? 0 : 1));
  for (const value of values) sink.next(value);
  sink.complete();
  await sink.done;
  const seconds = (performance.now() - started) / 1_000;
  await bus.close();
  await dropTopic(Readings.name);
  if (failed > 0) throw new Error(`${failed} values failed`);
  return MESSAGES / seconds;
}

/**
 * The same batches sent by hand with kafkajs: the same Avro bodies behind a Confluent header,
 * the same keys and the same message-id header (ids made the way the bus makes them), all
 * prepared before the clock starts (so the raw side pays for sending only), keys hashed by
 * kafkajs's Java-compatible partitioner,
 * batches of the same size, four sendBatch calls in flight, idempotent with acks=-1.
 */
async function rawRun(): Promise<number> {
  const bus = createMessageBus({ brokers, schemaRegistry: { url: registryUrl } });
  const Readings = defineTopic<Reading>({ name: topicName('raw'), value: schema, partitions: 6 });
  await bus.send(Readings, { id: 'warm', sensor: 'w', value: 0 });
  const type = avro.Type.forSchema(schema as avro.Schema);
  const header = Buffer.from([0, 0, 0, 0, 1]);
  const nextId = messageIdSource();
  const encoded = readings(MESSAGES).map((r) => ({
    key: r.sensor,
    value: Buffer.concat([header, type.toBuffer(r)]),
    headers: { 'message-id': Buffer.from(nextId()) },
  }));
  const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const started = performance.now();
  const batches: (typeof encoded)[] = [];
  for (let at = 0; at < encoded.length; at += BATCH_SIZE) {
    batches.push(encoded.slice(at, at + BATCH_SIZE));
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const messages = batches[next++]!;
      await producer.sendBatch({ topicMessages: [{ topic: Readings.name, messages }], acks: -1 });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const seconds = (performance.now() - started) / 1_000;
  await producer.disconnect();
  await bus.close();
  await dropTopic(Readings.name);
  return MESSAGES / seconds;
}

async function naiveRun(): Promise<number> {
  const bus = createMessageBus({ brokers, schemaRegistry: { url: registryUrl } });
  const Readings = defineTopic<Reading>({
    name: topicName('naive'),
    value: schema,
    key: (r) => r.sensor,
    partitions: 6,
  });
  await bus.send(Readings, { id: 'warm', sensor: 'w', value: 0 });
  const values = readings(NAIVE_MESSAGES);
  const started = performance.now();
  for (const value of values) await bus.send(Readings, value);
  const seconds = (performance.now() - started) / 1_000;
  await bus.close();
  await dropTopic(Readings.name);
  return NAIVE_MESSAGES / seconds;
}

if (process.env.BENCH_ONLY === 'sink') {
  // For profiling the sink path alone: `BENCH_ONLY=sink node --cpu-prof --import tsx ...`.
  process.stdout.write(`bus.sink ${Math.round(await sinkRun())} msg/s\n`);
  process.exit(0);
}
// The machine is shared, so load drifts during a run: raw and sink are measured in alternating
// rounds (raw first in odd rounds, sink first in even ones) and compared round by round.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const raws: number[] = [];
const sinks: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) raws.push(await rawRun());
  sinks.push(await sinkRun());
  if (round % 2 === 1) raws.push(await rawRun());
}
const naive = await naiveRun();
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const ratios = sinks.map((sink, at) => sink / (raws[at] as number));
const raw = median(raws);
const sink = median(sinks);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const rate = (r: number) => Math.round(r).toString().padStart(8);
process.stdout.write(`${cpu}, ${os.cpus().length} cores, node ${process.version}\n`);
process.stdout.write(`messages: ${MESSAGES} (naive: ${NAIVE_MESSAGES}), batch ${BATCH_SIZE}\n`);
for (let round = 0; round < ROUNDS; round++) {
  const line = `round ${round + 1}: raw ${rate(raws[round]!)}  sink ${rate(sinks[round]!)} msg/s`;
  process.stdout.write(`${line}  sink / raw ${ratios[round]!.toFixed(2)}\n`);
}
process.stdout.write(
  `${'raw kafkajs sendBatch (4 in flight)'.padEnd(40)} ${rate(raw)} msg/s (median)\n`,
);
process.stdout.write(`${'bus.sink'.padEnd(40)} ${rate(sink)} msg/s (median)\n`);
process.stdout.write(`${'naive await bus.send per message'.padEnd(40)} ${rate(naive)} msg/s\n`);
process.stdout.write(`sink / raw:   ${median(ratios).toFixed(2)} (median of rounds)\n`);
process.stdout.write(`sink / naive: ${(sink / naive).toFixed(1)}\n`);
