import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { SerializerManager } from '../../src/serde/serializer-manager.js';
import { readSchemaId } from '../../src/serde/wire-format.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../../src/topics/define-topic.js';

const keySchema = {
  type: 'record',
  name: 'InvoiceKey',
  fields: [
    { name: 'customerId', type: 'string' },
    { name: 'region', type: 'int' },
  ],
} as const;

const Invoices = defineTopic({
  name: 'invoices',
  value: { type: 'record', name: 'Invoice', fields: [{ name: 'cents', type: 'long' }] },
  keySchema,
  key: (invoice) => ({ customerId: String(invoice.cents), region: 1 }),
});

function caught(work: () => unknown): KafkaBusError {
  try {
    work();
  } catch (error) {
    return error as KafkaBusError;
  }
  throw new Error('expected a failure');
}

describe('Avro keys', () => {
  it('registers the key schema under <topic>-key and round-trips keys', async () => {
    const registry = new InMemorySchemaRegistry();
    const serde = new SerializerManager({ registry });
    await serde.prepareEncoder(Invoices);
    const bytes = serde.encodeKey(Invoices, { customerId: 'c-1', region: 7 });
    expect(bytes[0]).toBe(0);
    const latest = await registry.getLatest('invoices-key');
    expect(readSchemaId(bytes)).toBe(latest.id);
    const where = { topic: 'invoices', partition: 0, offset: '3' };
    expect(serde.decodeKey(Invoices, bytes, where)).toEqual({ customerId: 'c-1', region: 7 });
    expect(serde.decodeKey(Invoices, null, where)).toBeNull();
  });

  it('names the key field path on invalid keys', async () => {
    const serde = new SerializerManager({ registry: new InMemorySchemaRegistry() });
    await serde.prepareEncoder(Invoices);
    const error = caught(() => serde.encodeKey(Invoices, { customerId: 42, region: 1 }));
    expect(error).toBeInstanceOf(KafkaBusError);
    expect(error.type).toBe('SerializationFailure');
    expect(error.field).toBe('key.customerId');
  });

  it('reports undecodable key bytes as CorruptedMessage with coordinates', async () => {
    const serde = new SerializerManager({ registry: new InMemorySchemaRegistry() });
    await serde.prepareEncoder(Invoices);
    const where = { topic: 'invoices', partition: 2, offset: '9' };
    const error = caught(() => serde.decodeKey(Invoices, Buffer.from('plain'), where));
    expect(error.type).toBe('CorruptedMessage');
    expect(error).toMatchObject(where);
    const truncated = serde.encodeKey(Invoices, { customerId: 'c-1', region: 7 }).subarray(0, 7);
    expect(caught(() => serde.decodeKey(Invoices, truncated, where)).type).toBe('CorruptedMessage');
  });

  it('loads unknown key writer schemas in prepareDecoding', async () => {
    const registry = new InMemorySchemaRegistry();
    const writer = new SerializerManager({ registry });
    await writer.prepareEncoder(Invoices);
    const bytes = writer.encodeKey(Invoices, { customerId: 'c-2', region: 3 });
    const reader = new SerializerManager({ registry });
    await reader.prepareDecoding([bytes]);
    expect(reader.decodeKey(Invoices, bytes)).toEqual({ customerId: 'c-2', region: 3 });
  });

  it('in lookup-only mode refuses an unregistered key schema', async () => {
    const registry = new InMemorySchemaRegistry();
    const lookupOnly = new SerializerManager({ registry, autoRegister: false });
    await registry.register('invoices-value', JSON.stringify(Invoices.valueSchema));
    await expect(lookupOnly.prepareEncoder(Invoices)).rejects.toMatchObject({
      type: 'InvalidConfiguration',
      field: 'avro.autoRegister',
    });
    await registry.register('invoices-key', JSON.stringify(keySchema));
    await lookupOnly.prepareEncoder(Invoices);
    expect(lookupOnly.encodeKey(Invoices, { customerId: 'x', region: 0 })[0]).toBe(0);
  });

  it('keeps plain keys as UTF-8 or bytes', () => {
    const serde = new SerializerManager({ registry: new InMemorySchemaRegistry() });
    const Plain = defineTopic({ name: 'plain', value: 'string' });
    expect(serde.encodeKey(Plain, 'k')).toEqual(Buffer.from('k'));
    expect(serde.decodeKey(Plain, Buffer.from('k'))).toBe('k');
    expect(caught(() => serde.encodeKey(Plain, 5)).field).toBe('key');
  });

  it('validates keySchema at definition time', () => {
    const error = caught(() =>
      defineTopic({ name: 't', value: 'string', keySchema: { type: 'nope' } as never }),
    );
    expect(error.type).toBe('InvalidConfiguration');
    expect(error.field).toBe('keySchema');
  });
});
