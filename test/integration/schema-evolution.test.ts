import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { defineTopic, SchemaRegistryClient, SchemaVersionManager } from '../../src/index.js';
import { services, testBus, uniqueTopic } from '../support/integration.js';
import { failureOf } from '../support/failure-of.js';

interface ReadingV1 {
  sensor: string;
  celsius: number;
}

interface ReadingV2 extends ReadingV1 {
  unit: string;
  site: string | null;
}

const v1Schema = {
  type: 'record',
  name: 'Reading',
  namespace: 'test.evolution',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
  ],
};

const v2Schema = {
  ...v1Schema,
  fields: [
    ...v1Schema.fields,
    { name: 'unit', type: 'string', default: 'C' },
    { name: 'site', type: ['null', 'string'], default: null },
  ],
};

/** Not BACKWARD-compatible with v1: a field's type changes from double to string. */
const incompatibleSchema = {
  ...v1Schema,
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'string' },
  ],
};

const registry = new SchemaRegistryClient({ url: services.registryUrl });
describe('schema evolution against the real registry', () => {
  const name = uniqueTopic('evolving');
  const subject = `${name}-value`;
  const ReadingsV1 = defineTopic<ReadingV1>({ name, value: v1Schema });
  const ReadingsV2 = defineTopic<ReadingV2>({ name, value: v2Schema });

  it('reads v1 data with v2 defaults under BACKWARD compatibility', async () => {
    const oldApp = testBus();
    await oldApp.send(ReadingsV1, { sensor: 'old', celsius: 20.5 });
    await registry.setCompatibility('BACKWARD', subject);
    expect(await registry.getCompatibility(subject)).toBe('BACKWARD');

    const newApp = testBus();
    await newApp.send(ReadingsV2, { sensor: 'new', celsius: 21, unit: 'K', site: 'lab' });
    expect(await registry.listVersions(subject)).toHaveLength(2);

    const messages = await firstValueFrom(
      testBus()
        .consume(ReadingsV2, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(2), toArray()),
    );
    expect(messages.map((m) => m.value)).toEqual([
      { sensor: 'old', celsius: 20.5, unit: 'C', site: null },
      { sensor: 'new', celsius: 21, unit: 'K', site: 'lab' },
    ]);
  });

  it('an old reader skips the fields it does not know', async () => {
    const messages = await firstValueFrom(
      testBus()
        .consume(ReadingsV1, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(2), toArray()),
    );
    expect(messages.map((m) => m.value)).toEqual([
      { sensor: 'old', celsius: 20.5 },
      { sensor: 'new', celsius: 21 },
    ]);
  });

  it('refuses an incompatible schema with SchemaIncompatible and sends nothing', async () => {
    const Broken = defineTopic<{ sensor: string; celsius: string }>({
      name,
      value: incompatibleSchema,
    });
    const error = await failureOf(testBus().send(Broken, { sensor: 'x', celsius: 'warm' }));
    expect(error.type).toBe('SchemaIncompatible');
    expect(error.retriable).toBe(false);
    expect(await registry.listVersions(subject)).toHaveLength(2);
  });
});

describe('lookup-only mode', () => {
  it('fails with a clear error for a schema nobody registered', async () => {
    const Unregistered = defineTopic<ReadingV1>({ name: uniqueTopic('lookup'), value: v1Schema });
    const strict = testBus({ avro: { autoRegister: false } });
    const error = await failureOf(strict.send(Unregistered, { sensor: 's', celsius: 1 }));
    expect(error.type).toBe('InvalidConfiguration');
    expect(error.field).toBe('avro.autoRegister');
    expect(error.message).toContain(`${Unregistered.name}-value`);
    expect(error.message).toContain('not registered');
    expect(await registry.listVersions(`${Unregistered.name}-value`)).toEqual([]);
  });

  it('uses the id of a schema registered elsewhere', async () => {
    const Managed = defineTopic<ReadingV1>({ name: uniqueTopic('managed'), value: v1Schema });
    // Registered by other tooling, formatted differently.
    const id = await registry.register(`${Managed.name}-value`, JSON.stringify(v1Schema, null, 2));
    const strict = testBus({ avro: { autoRegister: false } });
    await strict.send(Managed, { sensor: 's', celsius: 1 });
    const message = await firstValueFrom(
      strict.consume(Managed, { groupId: uniqueTopic('g'), fromBeginning: true }),
    );
    expect(message.value).toEqual({ sensor: 's', celsius: 1 });
    expect(await registry.listVersions(`${Managed.name}-value`)).toEqual([1]);
    expect((await registry.getLatest(`${Managed.name}-value`)).id).toBe(id);
  });
});

describe('preload at start-up', () => {
  it('registers listed schemas in ready(); the first send asks the registry nothing', async () => {
    const Preloaded = defineTopic<ReadingV1>({ name: uniqueTopic('preload'), value: v1Schema });
    const app = testBus({ avro: { preload: [Preloaded] } });
    const stats = firstValueFrom(app.schemaCache.stats$.pipe(take(2), toArray()));
    await app.ready();
    expect(await registry.listVersions(`${Preloaded.name}-value`)).toEqual([1]);
    const [atStart, afterRegistering] = await stats;
    expect(atStart?.registryCalls).toBe(0);
    expect(afterRegistering?.misses).toBeGreaterThan(0);

    const calls = app.schemaCache.snapshot().registryCalls;
    await app.send(Preloaded, { sensor: 'first', celsius: 1 });
    expect(app.schemaCache.snapshot().registryCalls).toBe(calls);
  });
});

describe('subject name strategies and the version manager on the real registry', () => {
  it('registers under <topic>-<record name> with the topic-record strategy', async () => {
    const Named = defineTopic<ReadingV1>({ name: uniqueTopic('named'), value: v1Schema });
    const app = testBus({ avro: { subjectNameStrategy: 'topic-record' } });
    await app.send(Named, { sensor: 'n', celsius: 2 });
    const subject = `${Named.name}-test.evolution.Reading`;
    expect(await registry.listVersions(subject)).toEqual([1]);
    expect(await registry.listVersions(`${Named.name}-value`)).toEqual([]);
    const message = await firstValueFrom(
      app.consume(Named, { groupId: uniqueTopic('g'), fromBeginning: true }),
    );
    expect(message.value).toEqual({ sensor: 'n', celsius: 2 });
  });

  it('checks candidates locally and with the registry, then upgrades', async () => {
    const subject = `${uniqueTopic('versions')}-value`;
    await registry.register(subject, JSON.stringify(v1Schema));
    await registry.setCompatibility('BACKWARD', subject);
    const versions = new SchemaVersionManager(registry);

    const bad = await versions.check(subject, incompatibleSchema);
    expect(bad).toMatchObject({ level: 'BACKWARD', registryCompatible: false, compatible: false });
    expect(bad.localProblems).toHaveLength(1);
    const refused = await failureOf(versions.upgrade(subject, incompatibleSchema));
    expect(refused.type).toBe('SchemaIncompatible');

    expect(await versions.check(subject, v2Schema)).toMatchObject({ compatible: true });
    const upgraded = await versions.upgrade(subject, v2Schema);
    expect(upgraded.version).toBe(2);
    expect((await versions.versions(subject)).map((v) => v.version)).toEqual([1, 2]);
  });
});
