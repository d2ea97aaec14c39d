import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { MonitoredSchemaCache } from '../../src/serde/monitored-schema-cache.js';
import { SerializerManager } from '../../src/serde/serializer-manager.js';
import { subjectName } from '../../src/serde/subject-name-strategy.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';
import { defineTopic } from '../../src/topics/define-topic.js';

const pointSchema = {
  type: 'record',
  name: 'Point',
  namespace: 'geo',
  fields: [
    { name: 'x', type: 'int' },
    { name: 'y', type: 'int' },
  ],
} as const;

describe('subject name strategies', () => {
  it('names subjects like the Confluent serializers', () => {
    expect(subjectName('topic', 'points', 'value', pointSchema)).toBe('points-value');
    expect(subjectName('topic', 'points', 'key', 'string')).toBe('points-key');
    expect(subjectName('record', 'points', 'value', pointSchema)).toBe('geo.Point');
    expect(subjectName('topic-record', 'points', 'value', pointSchema)).toBe('points-geo.Point');
    expect(subjectName((t, role, r) => `${t}.${role}.${r}`, 'p', 'value', pointSchema)).toBe(
      'p.value.geo.Point',
    );
  });

  it('refuses a record strategy for a schema that is not a named record', () => {
    const error = (() => {
      try {
        subjectName('record', 'names', 'value', 'string');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(KafkaBusError);
    expect((error as KafkaBusError).field).toBe('avro.subjectNameStrategy');
  });

  it('registers under the strategy subject; an unknown strategy fails at once', async () => {
    const registry = new InMemorySchemaRegistry();
    const manager = new SerializerManager({ registry, subjectNameStrategy: 'record' });
    await manager.prepareEncoder(defineTopic({ name: 'points', value: pointSchema }));
    expect(await registry.listSubjects()).toEqual(['geo.Point']);
    expect(
      () => new SerializerManager({ registry, subjectNameStrategy: 'nope' as 'record' }),
    ).toThrow(expect.objectContaining({ type: 'InvalidConfiguration' }));
  });
});

describe('preload and the monitored cache', () => {
  it('preloads encoders so that the first send asks the registry nothing', async () => {
    const registry = new InMemorySchemaRegistry();
    const manager = new SerializerManager({ registry });
    const Points = defineTopic({ name: 'points', value: pointSchema });
    await manager.preload([Points]);
    expect(manager.encoder(Points)).toBeDefined();
    const calls = manager.cache.snapshot().registryCalls;
    const framed = (await manager.prepareEncoder(Points)).encode({ x: 1, y: 2 });
    await manager.prepareDecoding([framed]);
    expect(manager.decode(Points, framed)).toEqual({ x: 1, y: 2 });
    expect(manager.cache.snapshot().registryCalls).toBe(calls);
  });

  it('counts hits, misses and evictions and reports a hit-ratio breach', async () => {
    const registry = new InMemorySchemaRegistry();
    const manager = new SerializerManager({
      registry,
      maxCachedSchemas: 1,
      cacheThresholds: { minHitRatio: 0.9, minLookups: 2 },
    });
    const A = defineTopic({ name: 'a', value: pointSchema });
    const B = defineTopic({ name: 'b', value: { ...pointSchema, name: 'Other' } });
    await manager.prepareEncoder(A);
    await manager.prepareEncoder(B);
    const stats = manager.cache.snapshot();
    expect(stats.misses).toBeGreaterThanOrEqual(2);
    expect(stats.evictions).toBeGreaterThanOrEqual(1);
    expect(stats.size).toBe(2);
    expect(stats.registryCalls).toBe(2);
    expect(stats.breaches).toEqual([
      { threshold: 'minHitRatio', limit: 0.9, actual: stats.hitRatio },
    ]);
  });

  it('emits a snapshot at subscription and after every registry round trip', async () => {
    const cache = new MonitoredSchemaCache({ statsIntervalMs: 60_000 });
    const emitted = firstValueFrom(cache.stats$.pipe(take(3), toArray()));
    await cache.timed(async () => 1);
    await cache.timed(async () => 2);
    const [first, , third] = await emitted;
    expect(first?.registryCalls).toBe(0);
    expect(third?.registryCalls).toBe(2);
    expect(third?.registryLatencyMs.max).toBeGreaterThanOrEqual(0);
  });

  it('reports a registry latency breach', async () => {
    const cache = new MonitoredSchemaCache({ thresholds: { maxRegistryLatencyMs: 1 } });
    await cache.timed(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(cache.snapshot().breaches.map((b) => b.threshold)).toEqual(['maxRegistryLatencyMs']);
  });
});
