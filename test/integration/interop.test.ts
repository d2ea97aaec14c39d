import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { firstValueFrom, take, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { defineTopic } from '../../src/index.js';
import { plainKafka, readRaw, services, testBus, uniqueTopic } from '../support/integration.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../interop/confluent_avro.py', import.meta.url));
const PYTHONS = [process.env.INTEROP_PYTHON, '/usr/bin/python3', 'python3'];

interface Shipment {
  id: string;
  weightGrams: number;
  price: number;
  fragile: boolean;
  note: string | null;
  status: 'PENDING' | 'SHIPPED' | 'LOST';
  parcels: number[];
  labels: Record<string, string>;
  address: { street: string; zip: string };
}

const shipmentSchema = {
  type: 'record',
  name: 'Shipment',
  namespace: 'test.interop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'weightGrams', type: 'long' },
    { name: 'price', type: 'double' },
    { name: 'fragile', type: 'boolean' },
    { name: 'note', type: ['null', 'string'], default: null },
    {
      name: 'status',
      type: { type: 'enum', name: 'Status', symbols: ['PENDING', 'SHIPPED', 'LOST'] },
    },
    { name: 'parcels', type: { type: 'array', items: 'int' } },
    { name: 'labels', type: { type: 'map', values: 'string' } },
    {
      name: 'address',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'street', type: 'string' },
          { name: 'zip', type: 'string' },
        ],
      },
    },
  ],
};

const shipments: Shipment[] = [
  {
    id: 's-1',
    weightGrams: 12_345_678_901,
    price: 19.99,
    fragile: true,
    note: 'handle with care — ünïcode',
    status: 'SHIPPED',
    parcels: [1, 2, 3],
    labels: { carrier: 'post', lane: '7' },
    address: { street: 'Main St 1', zip: '12345' },
  },
  {
    id: 's-2',
    weightGrams: -1,
    price: 0,
    fragile: false,
    note: null,
    status: 'LOST',
    parcels: [],
    labels: {},
    address: { street: '', zip: '0' },
  },
];

let python = '';

beforeAll(async () => {
  python = await findPython();
});
describe('interop with the Confluent Python client (confluent_kafka.avro)', () => {
  it('reads what we write', async () => {
    const Shipments = defineTopic<Shipment>({
      name: uniqueTopic('to-python'),
      value: shipmentSchema,
    });
    const bus = testBus();
    await bus.sendBatch(Shipments, shipments);

    const { stdout } = await run(
      python,
      [
        script,
        'consume',
        services.brokers[0] as string,
        services.registryUrl,
        Shipments.name,
        String(shipments.length),
        '30',
      ],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual(shipments);
  });

  it('we read what it writes', async () => {
    const Shipments = defineTopic<Shipment>({
      name: uniqueTopic('from-python'),
      value: shipmentSchema,
    });
    // The broker does not create topics on demand, and the Python producer does not create them.
    const admin = plainKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: Shipments.name, numPartitions: 1 }] });
    await admin.disconnect();
    await run(
      python,
      [
        script,
        'produce',
        services.brokers[0] as string,
        services.registryUrl,
        Shipments.name,
        JSON.stringify(shipmentSchema),
        JSON.stringify(shipments),
      ],
      { timeout: 60_000 },
    );
    const [raw] = await readRaw(Shipments.name, 1);
    expect(raw?.value?.[0]).toBe(0);

    const bus = testBus();
    const received = await firstValueFrom(
      bus
        .consume(Shipments, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(shipments.length), toArray()),
    );
    expect(received.map((m) => m.value)).toEqual(shipments);
  });
});

/** The first Python that can import the Confluent Avro client; fails loudly when none can. */
async function findPython(): Promise<string> {
  const tried: string[] = [];
  for (const candidate of PYTHONS) {
    if (!candidate) continue;
    try {
      await run(candidate, ['-c', 'import confluent_kafka.avro, avro, requests']);
      return candidate;
    } catch (error) {
      tried.push(`${candidate}: ${(error as Error).message.split('\n').slice(-2).join(' ')}`);
    }
  }
  throw new Error(
    'The interop tests need the Confluent Python client (confluent_kafka.avro with the avro ' +
      'package). Install it with `bash test/interop/install.sh` (Debian: python3-confluent-kafka' +
      `, python3-avro). Tried:\n${tried.join('\n')}`,
  );
}
