import { describe, expect, it } from 'vitest';

import { SerializerManager } from '../../src/serde/serializer-manager.js';
import { readSchemaId } from '../../src/serde/wire-format.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';
import { failureOf } from '../support/failure-of.js';
import { defineTopic } from '../../src/topics/define-topic.js';

interface Order {
  id: string;
  amount: number;
  items: { sku: string; qty: number }[];
  note: string | null;
}

const orderSchema = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Item',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'qty', type: 'int' },
          ],
        },
      },
    },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

const Orders = defineTopic<Order>({ name: 'orders', value: orderSchema });
const order: Order = { id: 'o-1', amount: 12.5, items: [{ sku: 'a', qty: 2 }], note: null };

function managerWith(registry = new InMemorySchemaRegistry(), autoRegister = true) {
  return { registry, manager: new SerializerManager({ registry, autoRegister }) };
}

describe('SerializerManager - encode and decode', () => {
  it('registers under <topic>-value and frames with magic 0 and the schema id', async () => {
    const { registry, manager } = managerWith();
    const encoder = await manager.prepareEncoder(Orders);
    const bytes = encoder.encode(order);
    const latest = await registry.getLatest('orders-value');
    expect(bytes[0]).toBe(0);
    expect(readSchemaId(bytes)).toBe(latest.id);
    expect(manager.decode(Orders, bytes)).toEqual(order);
  });

  it('shares one registry round trip between concurrent first uses', async () => {
    const registry = new InMemorySchemaRegistry();
    let calls = 0;
    const original = registry.register.bind(registry);
    registry.register = (subject, schema) => {
      calls += 1;
      return original(subject, schema);
    };
    const manager = new SerializerManager({ registry });
    await Promise.all([manager.prepareEncoder(Orders), manager.prepareEncoder(Orders)]);
    expect(calls).toBe(1);
  });

  it('names the field path, the expected type and the value found', async () => {
    const { manager } = managerWith();
    const encoder = await manager.prepareEncoder(Orders);
    const bad = { ...order, items: [{ sku: 'a', qty: 'two' }] };
    const error = await failureOf(() => encoder.encode(bad, 'orders'));
    expect(error.type).toBe('SerializationFailure');
    expect(error.field).toBe('items.0.qty');
    expect(error.message).toContain('items.0.qty');
    expect(error.message).toContain('int');
    expect(error.message).toContain('"two"');
  });

  it('reports a missing required field', async () => {
    const { manager } = managerWith();
    const encoder = await manager.prepareEncoder(Orders);
    const error = await failureOf(() => encoder.encode({ ...order, id: undefined }));
    expect(error.field).toBe('id');
    expect(error.message).toContain('missing');
  });

  it('reads data of an older writer schema with the reader defaults', async () => {
    const registry = new InMemorySchemaRegistry();
    const V1 = defineTopic<{ id: string }>({
      name: 'evolving',
      value: { type: 'record', name: 'E', fields: [{ name: 'id', type: 'string' }] },
    });
    const V2 = defineTopic<{ id: string; level: number }>({
      name: 'evolving',
      value: {
        type: 'record',
        name: 'E',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'level', type: 'int', default: 7 },
        ],
      },
    });
    const old = new SerializerManager({ registry });
    const bytes = (await old.prepareEncoder(V1)).encode({ id: 'x' });

    const fresh = new SerializerManager({ registry });
    await fresh.prepareDecoding([bytes]);
    expect(fresh.decode(V2, bytes)).toEqual({ id: 'x', level: 7 });
  });
});

describe('SerializerManager - bad bytes', () => {
  const where = { topic: 'orders', partition: 2, offset: '41' };

  it('refuses a wrong magic byte with the coordinates', async () => {
    const { manager } = managerWith();
    const error = await failureOf(() => manager.decode(Orders, Buffer.from('hello'), where));
    expect(error.type).toBe('CorruptedMessage');
    expect(error).toMatchObject(where);
    expect(error.message).toContain('orders[2]@41');
  });

  it('refuses an unknown schema id', async () => {
    const { manager } = managerWith();
    const bytes = Buffer.from([0, 0, 0, 0x30, 0x39, 2]);
    await manager.prepareDecoding([bytes]);
    const error = await failureOf(() => manager.decode(Orders, bytes, where));
    expect(error.type).toBe('CorruptedMessage');
    expect(error.message).toContain('12345');
  });

  it('refuses a truncated body', async () => {
    const { manager } = managerWith();
    const bytes = (await manager.prepareEncoder(Orders)).encode(order);
    const error = await failureOf(() => manager.decode(Orders, bytes.subarray(0, 8), where));
    expect(error.type).toBe('CorruptedMessage');
    expect(error.message).toContain('truncated');
  });

  it('refuses a buffer shorter than the header', async () => {
    const { manager } = managerWith();
    const error = await failureOf(() => manager.decode(Orders, Buffer.from([0, 1]), where));
    expect(error.type).toBe('CorruptedMessage');
  });
});

describe('SerializerManager - lookup-only mode', () => {
  it('fails clearly when the schema is not registered', async () => {
    const { manager } = managerWith(new InMemorySchemaRegistry(), false);
    const error = await failureOf(() => manager.prepareEncoder(Orders));
    expect(error.type).toBe('InvalidConfiguration');
    expect(error.message).toContain('orders-value');
    expect(error.message).toContain('not registered');
  });

  it('uses the registered id when the schema is there', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = await registry.register('orders-value', JSON.stringify(orderSchema));
    const { manager } = managerWith(registry, false);
    expect((await manager.prepareEncoder(Orders)).schemaId).toBe(id);
  });
});
