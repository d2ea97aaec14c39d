/**
 * Consumer benchmarks against a running broker and registry (`npm run services start`):
 *
 *   npx tsx benchmarks/consumer.ts
 *
 * 1. Throughput: the same topic read by raw kafkajs `eachBatch` and by `bus.consumeBatches`
 *    (committing every batch), then by raw kafkajs `eachMessage` and by `bus.consume` piped
 *    through `commitEach()`. Each raw variant runs twice: counting messages only, and
 *    decoding each value with avsc as hand-written code must (the bus decodes Avro too).
 *    Each run uses a fresh group and reads the whole topic once. Reported per variant: the
 *    rate from subscribing to the last message (group join included) and the steady rate
 *    from the first message to the last, and the messages per CPU second of the process over
 *    that stretch (steadier than wall time on a shared machine); median and best over the
 *    rounds, which follow one uncounted warm-up round.
 * 2. Memory: a producer fills a topic at a steady rate for a while, a managed subscription
 *    handles messages ten times slower; heap is sampled every second.
 *
 * Environment: KAFKA_BROKERS or KAFKA_PORT, SCHEMA_REGISTRY_URL or SCHEMA_REGISTRY_PORT;
 * BENCH_MESSAGES (default 200 000), BENCH_ROUNDS (default 5), BENCH_MEMORY_SECONDS (default 30).
 */
import { randomBytes } from 'node:crypto';

import avro from 'avsc';
import kafkajs from 'kafkajs';
import { filter, firstValueFrom, map, scan } from 'rxjs';

import { createMessageBus, defineTopic, type MessageBus } from '../src/index.js';
import { commitEach } from '../src/operators.js';

interface Reading {
  id: number;
  sensor: string;
  celsius: number;
}

const brokers = [process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`];
const registryUrl =
  process.env.SCHEMA_REGISTRY_URL ??
  `http://127.0.0.1:${process.env.SCHEMA_REGISTRY_PORT ?? 8081}/apis/ccompat/v7`;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 30);
const PARTITIONS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const schema = {
  type: 'record',
  name: 'Reading',
  namespace: 'bench',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
  ],
};

/** The Confluent framing: magic byte and schema id before the Avro body. */
const FRAME_BYTES = 5;
const readingType = avro.Type.forSchema(schema as avro.Schema);

/**
 * One read of the whole topic: ms from subscribing to the first and to the last message, and
 * the process's CPU time (all threads) from the first message to the last.
 */
interface Timing {
  readonly firstMs: number;
  readonly lastMs: number;
  readonly steadyCpuMs: number;
}

/** Marks the first message of a read; `finish` then gives the timing of the read. */
function stopwatch() {
  const started = Date.now();
  let firstAt = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  return {
    seen(): void {
      if (firstAt !== 0) return;
      firstAt = Date.now();
      cpuAtFirst = process.cpuUsage();
    },
    finish(): Timing {
      const cpu = process.cpuUsage(cpuAtFirst);
      const lastMs = Date.now() - started;
      return { firstMs: firstAt - started, lastMs, steadyCpuMs: (cpu.user + cpu.system) / 1_000 };
    },
  };
}

const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING });
const group = () => `bench-${randomBytes(6).toString('hex')}`;

async function fill(bus: MessageBus, topic: ReturnType<typeof readingTopic>, count: number) {
  const chunk = 5_000;
  for (let sent = 0; sent < count; sent += chunk) {
    const values = Array.from({ length: Math.min(chunk, count - sent) }, (_, i) => ({
      id: sent + i,
      sensor: `sensor-${(sent + i) % 97}`,
      celsius: 20 + ((sent + i) % 10),
    }));
    await bus.sendBatch(topic, values, { partition: (sent / chunk) % PARTITIONS });
  }
}

function readingTopic(prefix: string) {
  return defineTopic<Reading>({
    name: `${prefix}-${randomBytes(4).toString('hex')}`,
    value: schema,
    partitions: PARTITIONS,
  });
}

type RawMode = 'eachBatch' | 'eachMessage';

async function rawKafkajs(topic: string, mode: RawMode, decode: boolean): Promise<Timing> {
  const consumer = kafka.consumer({ groupId: group() });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const watch = stopwatch();
  let seen = 0;
  let checksum = 0;
  const take = (value: Buffer | null) => {
    watch.seen();
    seen += 1;
    // Decoded the way hand-written code would: the writer schema is known, skip the frame.
    if (decode && value) checksum += (readingType.decode(value, FRAME_BYTES).value as Reading).id;
  };
  await new Promise<void>((resolve) => {
    const done = () => (seen >= MESSAGES ? resolve() : undefined);
    void consumer.run(
      mode === 'eachBatch'
        ? {
            eachBatch: async ({ batch }) => {
              for (const message of batch.messages) take(message.value);
              done();
            },
          }
        : {
            eachMessage: async ({ message }) => {
              take(message.value);
              done();
            },
          },
    );
  });
  const timing = watch.finish();
  await consumer.disconnect();
  if (decode && checksum === 0) throw new Error('nothing was decoded');
  return timing;
}

async function busRead(
  bus: MessageBus,
  topic: ReturnType<typeof readingTopic>,
  mode: 'batches' | 'messages',
): Promise<Timing> {
  const watch = stopwatch();
  const options = { groupId: group(), fromBeginning: true };
  const counted =
    mode === 'batches'
      ? bus.consumeBatches(topic, { ...options, maxBatchSize: 1_000, maxWaitMs: 50 }).pipe(
          map((batch) => {
            void batch.commit();
            return batch.messages.length;
          }),
        )
      : bus.consume(topic, options).pipe(
          commitEach(),
          map(() => 1),
        );
  await firstValueFrom(
    counted.pipe(
      scan((total, n) => {
        watch.seen();
        return total + n;
      }, 0),
      filter((total) => total >= MESSAGES),
    ),
  );
  return watch.finish();
}

interface Rates {
  /** Messages per second from subscribing to the last message. */
  readonly total: number[];
  /** Messages per second from the first message to the last. */
  readonly steady: number[];
  /** Messages per CPU second from the first message to the last. */
  readonly cpu: number[];
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;
const best = (values: readonly number[]) => Math.max(...values);

async function throughput(bus: MessageBus): Promise<void> {
  const topic = readingTopic('bench-consume');
  await fill(bus, topic, MESSAGES);
  console.log(
    `throughput: ${MESSAGES} messages, ${PARTITIONS} partitions, ${ROUNDS} rounds after a warm-up`,
  );
  // Interleaved rounds: the machine is shared, so a slow spell hits every variant alike.
  const variants = {
    'kafkajs eachBatch': () => rawKafkajs(topic.name, 'eachBatch', false),
    'kafkajs eachBatch + avsc': () => rawKafkajs(topic.name, 'eachBatch', true),
    'bus.consumeBatches': () => busRead(bus, topic, 'batches'),
    'kafkajs eachMessage': () => rawKafkajs(topic.name, 'eachMessage', false),
    'kafkajs eachMessage + avsc': () => rawKafkajs(topic.name, 'eachMessage', true),
    'bus.consume+commitEach': () => busRead(bus, topic, 'messages'),
  };
  type Name = keyof typeof variants;
  const rates = new Map<Name, Rates>();
  // A first, uncounted round warms every variant's code up, as in a long-running service.
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const name of Object.keys(variants) as Name[]) {
      const { firstMs, lastMs, steadyCpuMs } = await variants[name]();
      if (round === 0) continue;
      const entry = rates.get(name) ?? { total: [], steady: [], cpu: [] };
      entry.total.push(Math.round((MESSAGES / lastMs) * 1_000));
      entry.steady.push(Math.round((MESSAGES / (lastMs - firstMs)) * 1_000));
      entry.cpu.push(Math.round((MESSAGES / steadyCpuMs) * 1_000));
      rates.set(name, entry);
      console.log(
        `  round ${round} ${name}: ${entry.total.at(-1)} msg/s,` +
          ` steady ${entry.steady.at(-1)} msg/s, ${entry.cpu.at(-1)} msg/CPU-s`,
      );
    }
  }
  const row = (name: Name, against: Name[]) => {
    const own = rates.get(name) as Rates;
    const ratios = against.map((other) => {
      const base = rates.get(other) as Rates;
      const r = (f: (v: readonly number[]) => number, k: keyof Rates) =>
        (f(own[k]) / f(base[k])).toFixed(2);
      return (
        `vs ${other}: steady ${r(median, 'steady')}x (best ${r(best, 'steady')}x),` +
        ` total ${r(median, 'total')}x, per CPU second ${r(median, 'cpu')}x`
      );
    });
    console.log(
      `  ${name.padEnd(27)} steady median ${median(own.steady)} best ${best(own.steady)},` +
        ` total median ${median(own.total)} msg/s, ${median(own.cpu)} msg/CPU-s`,
    );
    for (const line of ratios) console.log(`      ${line}`);
  };
  console.log('summary (msg/s):');
  row('kafkajs eachBatch', []);
  row('kafkajs eachBatch + avsc', []);
  row('bus.consumeBatches', ['kafkajs eachBatch', 'kafkajs eachBatch + avsc']);
  row('kafkajs eachMessage', []);
  row('kafkajs eachMessage + avsc', []);
  row('bus.consume+commitEach', ['kafkajs eachMessage', 'kafkajs eachMessage + avsc']);
}

async function memory(bus: MessageBus): Promise<void> {
  const topic = readingTopic('bench-memory');
  const ratePerSecond = 2_000;
  const handleMs = 5; // 200 per second: ten times slower than the topic fills
  console.log(
    `memory: ${ratePerSecond} msg/s produced for ${MEMORY_SECONDS} s, handler ${handleMs} ms`,
  );
  await fill(bus, topic, 1);
  let handled = 0;
  const subscription = bus.subscribe(
    topic,
    async () => {
      await new Promise((resolve) => setTimeout(resolve, handleMs));
      handled += 1;
    },
    { groupId: group(), fromBeginning: true },
  );
  const samples: number[] = [];
  let id = 0;
  for (let second = 0; second < MEMORY_SECONDS; second += 1) {
    const tick = Date.now();
    const values = Array.from({ length: ratePerSecond }, () => ({
      id: id++,
      sensor: 'memory',
      celsius: 1,
    }));
    await bus.sendBatch(topic, values, { partition: second % PARTITIONS });
    globalThis.gc?.();
    samples.push(process.memoryUsage().heapUsed);
    const stats = subscription.stats();
    if (second % 5 === 4) {
      const heap = (samples.at(-1) ?? 0) / 1_048_576;
      const pending = stats?.pending ?? 0;
      console.log(
        `  t=${second + 1}s heap ${heap.toFixed(1)} MiB, pending ${pending}, handled ${handled}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - tick))));
  }
  const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  const settled = samples.slice(5);
  console.log(
    `  produced ${id}, handled ${handled}; heap after warm-up min ${mib(Math.min(...settled))}` +
      ` / max ${mib(Math.max(...settled))} MiB`,
  );
  await subscription.stop();
}

const bus = createMessageBus({ brokers, schemaRegistry: { url: registryUrl } });
try {
  if (process.argv.includes('--memory-only')) await memory(bus);
  else {
    await throughput(bus);
    if (!process.argv.includes('--throughput-only')) await memory(bus);
  }
} finally {
  await bus.close();
}
