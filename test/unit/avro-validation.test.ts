import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { SerializerManager } from '../../src/serde/serializer-manager.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../../src/topics/define-topic.js';

const Parcels = defineTopic({
  name: 'parcels',
  value: {
    type: 'record',
    name: 'Parcel',
    fields: [
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'SENT'] } },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'labels', type: { type: 'map', values: 'int' } },
    ],
  },
});
const good = { status: 'NEW', note: null, labels: { a: 1 } } as const;

function failure(work: () => unknown): KafkaBusError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaBusError);
    return error as KafkaBusError;
  }
  throw new Error('expected a failure');
}

describe('validation messages', async () => {
  const registry = new InMemorySchemaRegistry();
  const manager = new SerializerManager({ registry });
  const encoder = await manager.prepareEncoder(Parcels);

  it.each([
    ['status', { ...good, status: 'LOST' }, 'enum Status (NEW | SENT)', '"LOST"'],
    ['note', { ...good, note: 42 }, 'null | string', '42'],
    ['labels.a', { ...good, labels: { a: 'one' } }, 'int', '"one"'],
  ])('names %s, what it expects and what it found', (field, value, expected, found) => {
    const error = failure(() => encoder.encode(value, 'parcels'));
    expect(error.type).toBe('SerializationFailure');
    expect(error.field).toBe(field);
    expect(error.topic).toBe('parcels');
    expect(error.message).toContain(`expects ${expected}`);
    expect(error.message).toContain(`found ${found}`);
  });

  it('reports a writer schema the reader cannot resolve as CorruptedMessage', async () => {
    const Writer = defineTopic({
      name: 'parcels',
      value: { type: 'record', name: 'Parcel', fields: [{ name: 'weight', type: 'string' }] },
    });
    const otherRegistry = new InMemorySchemaRegistry();
    await otherRegistry.register('taken', '"string"'); // so the writer gets another id
    const other = new SerializerManager({ registry: otherRegistry });
    const framed = (await other.prepareEncoder(Writer)).encode({ weight: 'heavy' });
    const id = framed.readInt32BE(1);
    registry.getSchemaById = async () => JSON.stringify(Writer.valueSchema);
    await manager.prepareDecoding([framed]);
    const where = { topic: 'parcels', partition: 2, offset: '9' };
    const error = failure(() => manager.decode(Parcels, framed, where));
    expect(error).toMatchObject({ type: 'CorruptedMessage', ...where });
    expect(error.message).toContain(`schema id ${id}`);
  });
});

describe('logical types keep their wire type', async () => {
  const Events = defineTopic({
    name: 'events',
    value: {
      type: 'record',
      name: 'Event',
      fields: [
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'ref', type: { type: 'string', logicalType: 'uuid' } },
      ],
    },
  });
  const manager = new SerializerManager({ registry: new InMemorySchemaRegistry() });
  const encoder = await manager.prepareEncoder(Events);

  it('reads back epoch numbers and strings unchanged', () => {
    const value = {
      at: 1_764_000_000_123,
      day: 20_425,
      ref: '0f8fad5b-d9cb-469f-a165-70867728950e',
    };
    expect(manager.decode(Events, encoder.encode(value))).toEqual(value);
  });

  it('refuses a Date for a timestamp-millis field, naming it', () => {
    const value = { at: new Date(), day: 1, ref: 'x' } as unknown as {
      at: number;
      day: number;
      ref: string;
    };
    const error = failure(() => encoder.encode(value, 'events'));
    expect(error).toMatchObject({ type: 'SerializationFailure', field: 'at' });
    expect(error.message).toContain('expects long');
  });
});
