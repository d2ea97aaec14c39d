import { expectTypeOf, test } from 'vitest';

import {
  defineTopic,
  type AvroValue,
  type MessageBus,
  type TopicDefinition,
  type TopicKey,
  type TopicValue,
} from '../../src/index.js';

const orderSchema = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'cents', type: 'long' },
    { name: 'paid', type: 'boolean' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'prices', type: { type: 'map', values: 'double' } },
    {
      name: 'address',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'street', type: 'string' },
          { name: 'zip', type: ['null', 'int'] },
        ],
      },
    },
    { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'ref', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 16 } },
    { name: 'blob', type: 'bytes' },
  ],
} as const;

interface Expected {
  id: string;
  quantity: number;
  cents: number;
  paid: boolean;
  note: string | null;
  status: 'NEW' | 'PAID';
  tags: string[];
  prices: Record<string, number>;
  address: { street: string; zip: number | null };
  createdAt: number;
  day: number;
  ref: string;
  digest: Buffer;
  blob: Buffer;
}

declare const bus: MessageBus;

test('a record schema maps field by field', () => {
  expectTypeOf<AvroValue<typeof orderSchema>>().toEqualTypeOf<Expected>();
});

test('primitives, unions and top-level collections map too', () => {
  expectTypeOf<AvroValue<'string'>>().toEqualTypeOf<string>();
  expectTypeOf<AvroValue<'long'>>().toEqualTypeOf<number>();
  expectTypeOf<AvroValue<readonly ['null', 'double']>>().toEqualTypeOf<number | null>();
  expectTypeOf<AvroValue<{ type: 'array'; items: 'int' }>>().toEqualTypeOf<number[]>();
  expectTypeOf<AvroValue<{ type: 'map'; values: 'boolean' }>>().toEqualTypeOf<
    Record<string, boolean>
  >();
});

test('defineTopic infers the value type from the schema literal', () => {
  const Orders = defineTopic({ name: 'orders', value: orderSchema, key: (o) => o.id });
  expectTypeOf(Orders).toEqualTypeOf<TopicDefinition<Expected, string>>();
  expectTypeOf<TopicValue<typeof Orders>>().toEqualTypeOf<Expected>();
  expectTypeOf<TopicKey<typeof Orders>>().toEqualTypeOf<string>();

  const Inline = defineTopic({
    name: 'inline',
    value: { type: 'record', name: 'P', fields: [{ name: 'cents', type: 'long' }] },
  });
  expectTypeOf(Inline).toEqualTypeOf<TopicDefinition<{ cents: number }, string>>();
});

test('a wrong field type does not compile', () => {
  const Orders = defineTopic({ name: 'orders', value: orderSchema });
  const good = {} as Expected;
  void bus.send(Orders, good);
  // @ts-expect-error quantity is an int, not a string
  void bus.send(Orders, { ...good, quantity: '3' });
  // @ts-expect-error status must be one of the enum symbols
  void bus.send(Orders, { ...good, status: 'LOST' });
  // @ts-expect-error note is nullable, not optional-undefined
  void bus.send(Orders, { ...good, note: undefined });
  // @ts-expect-error a nested field keeps its type
  void bus.send(Orders, { ...good, address: { street: 'x', zip: 'abc' } });
  // @ts-expect-error tags are strings
  void bus.send(Orders, { ...good, tags: [1] });
});

test('the key function sees the inferred value type', () => {
  // @ts-expect-error quantity is a number, not a message key
  defineTopic({ name: 'orders', value: orderSchema, key: (o) => o.quantity });
});

test('an explicit value type still works', () => {
  const Explicit = defineTopic<{ id: string }>({ name: 'e', value: orderSchema });
  expectTypeOf(Explicit).toEqualTypeOf<TopicDefinition<{ id: string }, string>>();
});
