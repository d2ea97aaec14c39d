import type { Observable } from 'rxjs';
import { expectTypeOf, test } from 'vitest';

import {
  defineTopic,
  type KafkaMessage,
  type MessageBus,
  type TopicKey,
  type TopicValue,
} from '../../src/index.js';

interface Order {
  id: string;
  amount: number;
}

const schema = { type: 'record', name: 'Order', fields: [] } as const;
const Orders = defineTopic<Order>({ name: 'orders', value: schema, key: (o) => o.id });
declare const bus: MessageBus;

test('a topic carries its value and key types', () => {
  expectTypeOf<TopicValue<typeof Orders>>().toEqualTypeOf<Order>();
  expectTypeOf<TopicKey<typeof Orders>>().toEqualTypeOf<string>();
});

test('send accepts only values of the topic type', () => {
  void bus.send(Orders, { id: 'a', amount: 1 });
  // @ts-expect-error amount must be a number
  void bus.send(Orders, { id: 'a', amount: '1' });
  // @ts-expect-error id is required
  void bus.send(Orders, { amount: 1 });
});

test('consume emits typed messages', () => {
  expectTypeOf(bus.consume(Orders, { groupId: 'g' })).toMatchTypeOf<
    Observable<KafkaMessage<Order, string>>
  >();
});

test('the key function must return the key type', () => {
  // @ts-expect-error a number is not a message key
  defineTopic<Order>({ name: 'x', value: schema, key: (o) => o.amount });
});

test('an Avro key schema types the key', () => {
  const keySchema = {
    type: 'record',
    name: 'K',
    fields: [{ name: 'customerId', type: 'string' }],
  } as const;
  const Keyed = defineTopic({
    name: 'keyed',
    value: { type: 'record', name: 'V', fields: [{ name: 'customerId', type: 'string' }] },
    keySchema,
    key: (v) => ({ customerId: v.customerId }),
  });
  expectTypeOf<TopicKey<typeof Keyed>>().toEqualTypeOf<{ customerId: string }>();
  expectTypeOf(Keyed.name).toBeString();
  defineTopic({
    name: 'keyed',
    value: 'string',
    keySchema,
    // @ts-expect-error the key must fit the key schema
    key: (v) => ({ customerId: v.length }),
  });
});
