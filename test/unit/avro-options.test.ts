import { describe, expect, it } from 'vitest';

import { createMessageBus } from '../../src/bus/create-message-bus.js';
import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../../src/topics/define-topic.js';

const base = { brokers: ['127.0.0.1:9092'], schemaRegistry: { url: 'http://127.0.0.1:8081' } };

describe('createMessageBus - avro options', () => {
  it.each([
    ['avro.autoRegister', { autoRegister: 'no' }],
    ['avro.maxCachedSchemas', { maxCachedSchemas: 0 }],
    ['avro.subjectNameStrategy', { subjectNameStrategy: 'by-topic' }],
    ['avro.preload', { preload: ['orders'] }],
    ['avro.cacheThresholds.minHitRatio', { cacheThresholds: { minHitRatio: 1.5 } }],
    [
      'avro.cacheThresholds.maxRegistryLatencyMs',
      { cacheThresholds: { maxRegistryLatencyMs: -1 } },
    ],
    ['avro.cacheStatsIntervalMs', { cacheStatsIntervalMs: 0.5 }],
  ])('refuses a bad %s at construction', (field, avro) => {
    let caught: unknown;
    try {
      createMessageBus({ ...base, avro } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KafkaBusError);
    expect((caught as KafkaBusError).type).toBe('InvalidConfiguration');
    expect((caught as KafkaBusError).field).toBe(field);
  });

  it('preloads through bus.ready() and exposes the cache', async () => {
    const registry = new InMemorySchemaRegistry();
    const Points = defineTopic({
      name: 'points',
      value: { type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }] },
    });
    const bus = createMessageBus({
      ...base,
      schemaRegistry: { client: registry },
      avro: { preload: [Points], subjectNameStrategy: 'topic-record' },
    });
    expect(await registry.listSubjects()).toEqual([]);
    await bus.ready();
    expect(await registry.listSubjects()).toEqual(['points-Point']);
    expect(bus.schemaCache.snapshot()).toMatchObject({ registryCalls: 1, registryErrors: 0 });
    await bus.close();
  });
});
