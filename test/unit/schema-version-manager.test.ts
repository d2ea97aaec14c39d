import { describe, expect, it } from 'vitest';

import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';
import { SchemaVersionManager } from '../../src/serde/schema-version-manager.js';
import { InMemorySchemaRegistry } from '../../src/testing/in-memory-schema-registry.js';

const v1 = { type: 'record', name: 'User', fields: [{ name: 'id', type: 'string' }] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'age', type: 'int', default: 0 }] };
const broken = { ...v1, fields: [...v1.fields, { name: 'email', type: 'string' }] };

describe('SchemaVersionManager', () => {
  it('lists versions, checks a compatible candidate and upgrades to it', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('users-value', JSON.stringify(v1));
    const versions = new SchemaVersionManager(registry);

    expect(await versions.check('users-value', v2)).toEqual({
      level: 'BACKWARD',
      localProblems: [],
      registryCompatible: true,
      compatible: true,
    });
    const upgraded = await versions.upgrade('users-value', v2);
    expect(upgraded.version).toBe(2);
    expect((await versions.versions('users-value')).map((v) => v.version)).toEqual([1, 2]);
    expect((await versions.upgrade('users-value', v2)).id).toBe(upgraded.id);
  });

  it('explains and refuses an incompatible candidate without registering it', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('users-value', JSON.stringify(v1));
    const versions = new SchemaVersionManager(registry);

    const verdict = await versions.check('users-value', broken);
    expect(verdict.compatible).toBe(false);
    expect(verdict.registryCompatible).toBe(false);
    expect(verdict.localProblems).toHaveLength(1);
    expect(verdict.localProblems[0]).toContain('cannot read version 1');

    const error = await versions.upgrade('users-value', broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaBusError);
    expect((error as KafkaBusError).type).toBe('SchemaIncompatible');
    expect(await registry.listVersions('users-value')).toEqual([1]);
  });

  it('checks nothing locally under NONE', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('users-value', JSON.stringify(v1));
    await registry.setCompatibility('NONE', 'users-value');
    const verdict = await new SchemaVersionManager(registry).check('users-value', broken);
    expect(verdict).toMatchObject({ level: 'NONE', localProblems: [], compatible: true });
  });
});
