/**
 * Serde benchmark: encode and decode operations per second of one typical record, for
 *
 * - kafka-rx-bus (`SerializerManager` encoder / decoder, schema cached),
 * - raw avsc plus a hand-written 5-byte Confluent header (the floor any Avro serde pays),
 * - `@kafkajs/confluent-schema-registry` (schema cached; its API returns a Promise per call),
 * - JSON (`JSON.stringify` + `Buffer.from`, `JSON.parse`), for scale.
 *
 * Method: every measurement runs in a fresh Node process that sets up only its own case (so
 * one case's JIT feedback and garbage cannot slow another), warms up for WARM_UP_MS, then counts
 * operations for MEASURE_MS and divides by the process's CPU time (user + system), so that time
 * the shared machine gives to other processes does not count. ROUNDS rounds go round-robin over
 * the cases; the median round of each case is reported. The wrapper library gets a loopback
 * HTTP registry that serves the schema once; after its first call it answers from its cache.
 *
 *   npx tsx benchmarks/serde.ts
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

import { SchemaRegistry as ConfluentWrapper } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';

import { SerializerManager } from '../src/serde/serializer-manager.js';
import { InMemorySchemaRegistry } from '../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../src/topics/define-topic.js';

const WARM_UP_MS = 1_000;
const MEASURE_MS = 1_500;
const ROUNDS = 5;
const BATCH = 1_000;
const CASE_VARIABLE = 'SERDE_BENCH_CASE';

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

/** A case: set up, then one operation, either synchronous or a Promise. */
interface Case {
  readonly op: 'encode' | 'decode';
  readonly impl: string;
  readonly setup: () => Promise<() => unknown>;
  readonly async?: boolean;
}

const SCHEMA_ID = 1;

const cases: Case[] = [
  { op: 'encode', impl: 'kafka-rx-bus', setup: oursEncode },
  { op: 'encode', impl: 'raw avsc + header', setup: rawEncode },
  { op: 'encode', impl: '@kafkajs/confluent-schema-registry', setup: wrapperEncode, async: true },
  { op: 'encode', impl: 'JSON', setup: async () => () => Buffer.from(JSON.stringify(order)) },
  { op: 'decode', impl: 'kafka-rx-bus', setup: oursDecode },
  { op: 'decode', impl: 'raw avsc + header', setup: rawDecode },
  { op: 'decode', impl: '@kafkajs/confluent-schema-registry', setup: wrapperDecode, async: true },
  { op: 'decode', impl: 'JSON', setup: jsonDecode },
];

async function oursEncode() {
  const manager = new SerializerManager({ registry: new InMemorySchemaRegistry() });
  const encoder = await manager.prepareEncoder(defineTopic({ name: 'bench', value: schema }));
  return () => encoder.encode(order);
}

async function oursDecode() {
  const manager = new SerializerManager({ registry: new InMemorySchemaRegistry() });
  const Orders = defineTopic({ name: 'bench', value: schema });
  const framed = (await manager.prepareEncoder(Orders)).encode(order);
  check(manager.decode(Orders, framed));
  return () => manager.decode(Orders, framed);
}

async function rawEncode() {
  const type = avro.Type.forSchema(schema as unknown as avro.Schema);
  return () => {
    const body = type.toBuffer(order);
    const framed = Buffer.allocUnsafe(body.length + 5);
    framed[0] = 0;
    framed.writeInt32BE(SCHEMA_ID, 1);
    body.copy(framed, 5);
    return framed;
  };
}

async function rawDecode() {
  const type = avro.Type.forSchema(schema as unknown as avro.Schema);
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, SCHEMA_ID]), type.toBuffer(order)]);
  check(type.decode(framed, 5).value);
  return () => {
    if (framed[0] !== 0) throw new Error('not framed');
    return type.decode(framed, 5).value;
  };
}

async function wrapperEncode() {
  const wrapper = await startWrapper();
  return () => wrapper.encode(SCHEMA_ID, order);
}

async function wrapperDecode() {
  const wrapper = await startWrapper();
  const framed = await wrapper.encode(SCHEMA_ID, order);
  check(await wrapper.decode(framed));
  return () => wrapper.decode(framed);
}

async function jsonDecode() {
  const bytes = Buffer.from(JSON.stringify(order));
  return () => JSON.parse(bytes.toString());
}

/** Runs one case in this process and prints its rate. */
async function runCase(index: number): Promise<void> {
  const chosen = cases[index] as Case;
  const work = await chosen.setup();
  const body = chosen.async
    ? 'return (async () => { for (let i = 0; i < n; i++) await work(); })();'
    : 'for (let i = 0; i < n; i++) work();';
  const batch = new Function('work', 'n', body) as (w: () => unknown, n: number) => unknown;
  await timed(() => batch(work, BATCH), WARM_UP_MS);
  console.log(JSON.stringify(await timed(() => batch(work, BATCH), MEASURE_MS)));
  process.exit(0);
}

async function timed(batch: () => unknown, forMs: number): Promise<number> {
  let ops = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  while (performance.now() - started < forMs) {
    await batch();
    ops += BATCH;
  }
  const cpu = process.cpuUsage(cpuStarted);
  return (ops * 1_000_000) / (cpu.user + cpu.system);
}

function orchestrate(): void {
  const script = fileURLToPath(import.meta.url);
  const rates = cases.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const index of cases.keys()) {
      const output = execFileSync(process.execPath, [...process.execArgv, script], {
        env: { ...process.env, [CASE_VARIABLE]: String(index) },
        encoding: 'utf8',
      });
      rates[index]?.push(Number(output.trim().split('\n').pop()));
    }
  }
  const medians = rates.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
  print(medians.map((rate) => rate ?? 0));
}

async function startWrapper(): Promise<ConfluentWrapper> {
  const text = JSON.stringify(schema);
  const server = createServer((request, response) => {
    response.setHeader('Content-Type', 'application/vnd.schemaregistry.v1+json');
    if (request.url === `/schemas/ids/${SCHEMA_ID}`) {
      response.end(JSON.stringify({ schema: text }));
    } else {
      response.statusCode = 404;
      response.end(JSON.stringify({ error_code: 40403, message: 'not found' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return new ConfluentWrapper({ host: `http://127.0.0.1:${port}` });
}

function check(decoded: unknown): void {
  if (JSON.stringify(decoded) !== JSON.stringify(order)) {
    throw new Error(`decoded value differs: ${JSON.stringify(decoded)}`);
  }
}

function print(rates: number[]): void {
  const raw = (op: string) =>
    rates[cases.findIndex((c) => c.op === op && c.impl.startsWith('raw'))];
  const framedBytes = avro.Type.forSchema(schema as unknown as avro.Schema).toBuffer(order).length;
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} ` +
      `cores; Avro ${framedBytes + 5} bytes framed, JSON ${JSON.stringify(order).length} bytes`,
  );
  console.log('| operation | implementation | ops/s (per CPU second) | vs raw avsc |');
  console.log('|---|---|---:|---:|');
  for (const [index, { op, impl }] of cases.entries()) {
    const rate = rates[index] ?? 0;
    const ratio = rate / (raw(op) ?? rate);
    console.log(
      `| ${op} | ${impl} | ${Math.round(rate).toLocaleString('en-US')} | ${ratio.toFixed(2)}× |`,
    );
  }
}

const selected = process.env[CASE_VARIABLE];
if (selected === undefined) orchestrate();
else await runCase(Number(selected));
