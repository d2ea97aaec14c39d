import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';

import { defineTopic, partitionForKey, type MessageBus } from '../../src/index.js';
import { readRaw, services, testBus, uniqueTopic } from '../support/integration.js';

const buses: MessageBus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

function bus(): MessageBus {
  const created = testBus();
  buses.push(created);
  return created;
}

describe('Avro keys through a real broker and registry', () => {
  const Invoices = defineTopic({
    name: uniqueTopic('invoices'),
    value: {
      type: 'record',
      name: 'Invoice',
      fields: [
        { name: 'customerId', type: 'string' },
        { name: 'cents', type: 'long' },
      ],
    },
    keySchema: {
      type: 'record',
      name: 'InvoiceKey',
      fields: [{ name: 'customerId', type: 'string' }],
    },
    key: (invoice) => ({ customerId: invoice.customerId }),
    partitions: 4,
  });

  it('frames keys under <topic>-key, partitions by their bytes and decodes them', async () => {
    const invoices = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'].map((customerId, cents) => ({
      customerId,
      cents,
    }));
    const deliveries = await bus().sendBatch(Invoices, invoices);

    const subject = `${Invoices.name}-key`;
    const latest = (await (
      await fetch(`${services.registryUrl}/subjects/${subject}/versions/latest`)
    ).json()) as { id: number };
    const raw = await readRaw(Invoices.name, invoices.length);
    for (const record of raw) {
      expect(record.key?.[0]).toBe(0);
      expect(record.key?.readInt32BE(1)).toBe(latest.id);
    }

    const partitionOf = new Map<string, number>();
    deliveries.forEach((delivery, index) => {
      const customerId = invoices[index]!.customerId;
      expect(delivery.partition).toBe(partitionOf.get(customerId) ?? delivery.partition);
      partitionOf.set(customerId, delivery.partition);
    });
    // The Java client's partitioner hashes the serialized key: header, then Avro string "a".
    const aKey = Buffer.from([0, 0, 0, 0, 0, 2, 0x61]);
    aKey.writeInt32BE(latest.id, 1);
    expect(raw.some((r) => r.key?.equals(aKey))).toBe(true);
    expect(partitionOf.get('a')).toBe(partitionForKey(aKey, 4));

    const messages = await firstValueFrom(
      bus()
        .consume(Invoices, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(invoices.length), toArray()),
    );
    for (const message of messages) {
      expect(message.key).toEqual({ customerId: message.value.customerId });
      expect(message.partition).toBe(partitionOf.get(message.value.customerId));
    }
  });
});
