import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { defineTopic } from '../../src/topics/define-topic.js';

const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] };

function errorOf(work: () => unknown): KafkaBusError {
  try {
    work();
  } catch (error) {
    if (error instanceof KafkaBusError) return error;
    throw error;
  }
  throw new Error('expected a KafkaBusError');
}

describe('defineTopic', () => {
  it('fills defaults', () => {
    const topic = defineTopic<{ a: string }>({ name: 'things', value: schema });
    expect(topic).toMatchObject({ name: 'things', partitions: 1, dlq: 'things.dlq' });
    expect(Object.isFrozen(topic)).toBe(true);
  });

  it('accepts a schema given as JSON text', () => {
    const topic = defineTopic({ name: 't', value: JSON.stringify(schema) });
    expect(topic.valueSchema).toEqual(schema);
  });

  it.each([
    ['name', { name: 'bad name!', value: schema }],
    ['name', { name: '', value: schema }],
    ['name', { name: 'x'.repeat(250), value: schema }],
    ['partitions', { name: 't', value: schema, partitions: 0 }],
    ['partitions', { name: 't', value: schema, partitions: 1.5 }],
    ['replicationFactor', { name: 't', value: schema, replicationFactor: -1 }],
    ['dlq', { name: 't', value: schema, dlq: 't' }],
    ['value', { name: 't', value: { type: 'record', name: 'R', fields: [{ name: 'a' }] } }],
    ['value', { name: 't', value: '{not json' }],
    ['key', { name: 't', value: schema, key: 'customerId' }],
  ])('refuses a bad %s with InvalidConfiguration naming it', (field, options) => {
    const error = errorOf(() => defineTopic(options as never));
    expect(error.type).toBe('InvalidConfiguration');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });
});
