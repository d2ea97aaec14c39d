import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';

import type { KafkaBusError } from '../../src/index.js';
import { defineTopic } from '../../src/index.js';
import { recordCount, sendRaw, testBus, uniqueTopic } from '../support/integration.js';
import { failureOf } from '../support/failure-of.js';

interface Payment {
  id: string;
  cents: number;
}

const paymentSchema = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
  ],
};

describe('bad input and unreachable services', () => {
  it('refuses a value that does not fit, naming the field, and sends nothing', async () => {
    const Payments = defineTopic<Payment>({ name: uniqueTopic('payments'), value: paymentSchema });
    const bus = testBus();
    await bus.send(Payments, { id: 'p-1', cents: 100 });

    const bad = { id: 'p-2', cents: 'a lot' } as unknown as Payment;
    const error = await failureOf(bus.send(Payments, bad));
    expect(error.type).toBe('SerializationFailure');
    expect(error.field).toBe('cents');
    expect(error.message).toContain('cents');

    const batchError = await failureOf(
      bus.sendBatch(Payments, [{ id: 'p-3', cents: 1 }, bad, { id: 'p-4', cents: 2 }]),
    );
    expect(batchError.type).toBe('SerializationFailure');
    expect(await recordCount(Payments.name)).toBe(1);
  });

  it('fails with a retriable BrokerUnavailable naming the address of a dead broker', async () => {
    const Payments = defineTopic<Payment>({ name: uniqueTopic('nobroker'), value: paymentSchema });
    const bus = testBus({ brokers: ['127.0.0.1:1'], connection: { retries: 1, timeoutMs: 500 } });
    const error = await failureOf(bus.send(Payments, { id: 'p', cents: 1 }));
    expect(error.type).toBe('BrokerUnavailable');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('127.0.0.1:1');
  });

  it('fails with a retriable BrokerUnavailable naming the URL of a dead registry', async () => {
    const Payments = defineTopic<Payment>({ name: uniqueTopic('noreg'), value: paymentSchema });
    const bus = testBus({
      schemaRegistry: { url: 'http://127.0.0.1:1', retries: 1, retryDelayMs: 10 },
    });
    const error = await failureOf(bus.send(Payments, { id: 'p', cents: 1 }));
    expect(error.type).toBe('BrokerUnavailable');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('http://127.0.0.1:1');
  });

  it('reports undecodable bytes with coordinates and keeps the partition flowing', async () => {
    const Payments = defineTopic<Payment>({ name: uniqueTopic('garbage'), value: paymentSchema });
    const bus = testBus();
    await bus.send(Payments, { id: 'before', cents: 1 });

    await sendRaw(Payments.name, [
      { value: Buffer.from('not avro at all') },
      { value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2]) },
      { value: Buffer.from([0]) },
    ]);
    await bus.send(Payments, { id: 'after', cents: 2 });

    const corrupted: KafkaBusError[] = [];
    const consumed: Payment[] = [];
    const last = await firstValueFrom(
      bus
        .consume(Payments, {
          groupId: uniqueTopic('g'),
          fromBeginning: true,
          onCorrupted: (error) => {
            corrupted.push(error);
          },
        })
        .pipe(
          filter((message) => {
            consumed.push(message.value);
            return message.value.id === 'after';
          }),
        ),
    );
    expect(last.value).toEqual({ id: 'after', cents: 2 });
    expect(consumed.map((p) => p.id)).toEqual(['before', 'after']);
    expect(corrupted.map((e) => [e.type, e.topic, e.partition, e.offset])).toEqual([
      ['CorruptedMessage', Payments.name, 0, '1'],
      ['CorruptedMessage', Payments.name, 0, '2'],
      ['CorruptedMessage', Payments.name, 0, '3'],
    ]);
  });
});
