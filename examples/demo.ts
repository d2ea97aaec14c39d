/**
 * The kafka-rx-bus demo: defines an Avro topic, sends a few orders, reads them back as an
 * Observable, shows a bad order being refused, and prints what happened.
 *
 * Run with `npm run demo`. Uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set, else local
 * services started by scripts/services.sh (left running afterwards so the topic can be
 * inspected; `npm run services -- stop` stops them).
 */
import { randomUUID } from 'node:crypto';

import { filter, firstValueFrom, take, toArray } from 'rxjs';

import { createMessageBus, defineTopic, isKafkaBusError } from '../src/index.js';
import { localServices } from './local-services.js';

interface OrderPlaced {
  orderId: string;
  customerId: string;
  amount: number;
  currency: 'EUR' | 'USD' | 'JPY';
  items: string[];
}

const Orders = defineTopic<OrderPlaced>({
  name: 'demo-orders',
  value: {
    type: 'record',
    name: 'OrderPlaced',
    namespace: 'demo.shop',
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'customerId', type: 'string' },
      { name: 'amount', type: 'double' },
      {
        name: 'currency',
        type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD', 'JPY'] },
      },
      { name: 'items', type: { type: 'array', items: 'string' } },
    ],
  },
  key: (order) => order.customerId,
  partitions: 3,
});

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  say('kafka-rx-bus demo');
  const services = await localServices(say);
  const origin = services.startedLocally ? 'started locally' : 'already running';
  say(
    `  Kafka ${services.brokers.join(',')} · Schema Registry ${services.registryUrl} (${origin})`,
  );

  const bus = createMessageBus({
    brokers: services.brokers,
    schemaRegistry: { url: services.registryUrl },
  });
  const runId = randomUUID();
  const orders: OrderPlaced[] = ['alice', 'bob', 'carol', 'alice', 'bob'].map((c, i) => ({
    orderId: `order-${i + 1}`,
    customerId: c,
    amount: 10 + i * 7.5,
    currency: 'EUR',
    items: [`sku-${i}`],
  }));

  try {
    const deliveries = await bus.sendBatch(Orders, orders, { correlationId: runId });
    const where = deliveries.map((d) => `p${d.partition}@${d.offset}`).join(' ');
    say(`  sent ${deliveries.length} orders as Avro (subject ${Orders.name}-value): ${where}`);

    const received = await firstValueFrom(
      bus.consume(Orders, { groupId: `demo-${runId}`, fromBeginning: true }).pipe(
        filter((m) => m.context.correlationId === runId),
        take(orders.length),
        toArray(),
      ),
    );
    for (const m of received) {
      const { orderId, customerId, amount, currency } = m.value;
      const at = `p${m.partition}@${m.offset}`;
      say(`  received ${orderId} for ${customerId}: ${amount} ${currency} (${at})`);
    }
    await Promise.all(received.map((m) => m.commit()));

    const bad = { ...orders[0], amount: 'twelve' } as unknown as OrderPlaced;
    await bus.send(Orders, bad).then(
      () => say('  a bad order was sent?! (this should not happen)'),
      (error: unknown) => {
        if (!isKafkaBusError(error, 'SerializationFailure')) throw error;
        say(`  a bad order was refused before sending: ${error.message}`);
      },
    );
  } finally {
    await bus.close();
  }

  say(`  done. The bytes on the topic start with 0 and the schema id; look with kcat:`);
  say(`    kcat -b ${services.brokers[0]} -t ${Orders.name} -C -e -c 1 -f '%s' | xxd | head -2`);
  if (services.startedLocally)
    say('  (local services keep running; stop them with `npm run services -- stop`)');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
