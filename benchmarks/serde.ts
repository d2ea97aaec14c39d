/**
 * Serde benchmark: encode and decode operations per second of one typical record, for
 *
 * - kafka-rx-bus (`SerializerManager` encoder / decoder, schema cached),
 * - raw avsc plus a hand-written 5-byte Confluent header (the floor any Avro serde pays),
 * - `@kafkajs/confluent-schema-registry` (schema cached; its API returns a Promise per call),
 * - JSON (`JSON.stringify` + `Buffer.from`, `JSON.parse`), for scale.
 *
 * Method: each case runs for a warm-up second; then ROUNDS rounds go round-robin over the
 * cases, ROUND_MS each, and each case's median round is reported. The wrapper library gets a
 * loopback HTTP registry that serves the schema once; after its first call it answers from its
 * own cache.
 *
 *   npx tsx benchmarks/serde.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';

import { SchemaRegistry as ConfluentWrapper } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';

import { SerializerManager } from '../src/serde/serializer-manager.js';
import { InMemorySchemaRegistry } from '../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../src/topics/define-topic.js';

const WARM_UP_MS = 1_000;
const ROUND_MS = 500;
const ROUNDS = 11;
const BATCH = 1_000;

const schema = {
  type: 'record',
  name: 'OrderEvent',
  namespace: 'bench',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'quantity', type: 'int' },
    { name: 'createdAt', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SENT'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
} as const;

const order = {
  orderId: 'ord-000123456',
  customerId: 'cust-42',
  amount: 1234.56,
  quantity: 3,
  createdAt: 1_764_000_000_000,
  status: 'PAID',
  tags: ['priority', 'gift'],
  note: 'leave at the door',
};

type Case = () => unknown;
type AsyncCase = () => Promise<unknown>;

async function main(): Promise<void> {
  const Orders = defineTopic<typeof order>({ name: 'bench-orders', value: schema });
  const manager = new SerializerManager({ registry: new InMemorySchemaRegistry() });
  const encoder = await manager.prepareEncoder(Orders);
  const id = encoder.schemaId;
  const framed = encoder.encode(order);

  const type = avro.Type.forSchema(schema as unknown as avro.Schema);
  const rawEncode = () => {
    const body = type.toBuffer(order);
    const out = Buffer.allocUnsafe(body.length + 5);
    out[0] = 0;
    out.writeInt32BE(id, 1);
    body.copy(out, 5);
    return out;
  };
  const rawDecode = () => type.decode(framed, 5).value;

  const { wrapper, close } = await startWrapper(id);
  const wrapperFramed = await wrapper.encode(id, order);
  const json = Buffer.from(JSON.stringify(order));

  checkSame(manager.decode(Orders, framed), rawDecode(), await wrapper.decode(wrapperFramed));

  const cases: [op: string, impl: string, batch: () => unknown][] = [
    ['encode', 'kafka-rx-bus', loop(() => encoder.encode(order))],
    ['encode', 'raw avsc + header', loop(rawEncode)],
    ['encode', '@kafkajs/confluent-schema-registry', loopAsync(() => wrapper.encode(id, order))],
    ['encode', 'JSON', loop(() => Buffer.from(JSON.stringify(order)))],
    ['decode', 'kafka-rx-bus', loop(() => manager.decode(Orders, framed))],
    ['decode', 'raw avsc + header', loop(rawDecode)],
    [
      'decode',
      '@kafkajs/confluent-schema-registry',
      loopAsync(() => wrapper.decode(wrapperFramed)),
    ],
    ['decode', 'JSON', loop(() => JSON.parse(json.toString()))],
  ];
  const results = await measure(cases);
  await close();

  print(results, framed.length, json.length);
}

type Row = [op: string, impl: string, opsPerSecond: number];

// Each case gets its own loop function (compiled from source), so that V8's call-site feedback
// for `work()` stays monomorphic per case and the order of the cases does not favour the first.
function loop(work: Case): () => void {
  const run = new Function('work', 'n', 'for (let i = 0; i < n; i++) work();');
  return () => run(work, BATCH);
}

function loopAsync(work: AsyncCase): () => Promise<void> {
  const run = new Function(
    'work',
    'n',
    'return (async () => { for (let i = 0; i < n; i++) await work(); })();',
  );
  return () => run(work, BATCH) as Promise<void>;
}

// Rounds go round-robin over the cases, so load from other processes on a shared machine
// spreads over all of them instead of hitting one; each case reports its median round.
async function measure(cases: [string, string, () => unknown][]): Promise<Row[]> {
  for (const [, , batch] of cases) await timed(batch, WARM_UP_MS);
  const rates = cases.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, , batch]] of cases.entries()) {
      rates[index]?.push(await timed(batch, ROUND_MS));
    }
  }
  return cases.map(([op, impl], index) => {
    const sorted = (rates[index] ?? []).sort((a, b) => a - b);
    return [op, impl, sorted[Math.floor(sorted.length / 2)] ?? 0];
  });
}

async function timed(batch: () => unknown, forMs: number): Promise<number> {
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < forMs) {
    await batch();
    ops += BATCH;
  }
  return (ops * 1_000) / (performance.now() - started);
}

async function startWrapper(id: number) {
  const text = JSON.stringify(schema);
  const server = createServer((request, response) => {
    response.setHeader('Content-Type', 'application/vnd.schemaregistry.v1+json');
    if (request.url === `/schemas/ids/${id}`) {
      response.end(JSON.stringify({ schema: text }));
    } else {
      response.statusCode = 404;
      response.end(JSON.stringify({ error_code: 40403, message: 'not found' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const wrapper = new ConfluentWrapper({ host: `http://127.0.0.1:${port}` });
  return { wrapper, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function checkSame(...values: unknown[]): void {
  const texts = values.map((v) => JSON.stringify(v));
  if (texts.some((t) => t !== texts[0])) throw new Error(`decoders disagree: ${texts.join(' / ')}`);
}

function print(rows: Row[], avroBytes: number, jsonBytes: number): void {
  const base = new Map(rows.filter((r) => r[1] === 'raw avsc + header').map((r) => [r[0], r[2]]));
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${os.cpus().length} cores; Avro ${avroBytes} bytes framed, JSON ${jsonBytes} bytes`,
  );
  console.log('| operation | implementation | ops/s | vs raw avsc |');
  console.log('|---|---|---:|---:|');
  for (const [op, impl, ops] of rows) {
    const ratio = ops / (base.get(op) ?? ops);
    console.log(
      `| ${op} | ${impl} | ${Math.round(ops).toLocaleString('en-US')} | ` +
        `${ratio.toFixed(2)}× |`,
    );
  }
}

await main();
