import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { murmur2, partitionForKey } from '../../src/producer/murmur2.js';

interface Reference {
  key: string;
  hash: number;
  partitions: Record<string, number>;
}

// Computed by the Java client's Utils.murmur2 (see JavaPartitions.java beside the file).
const references = JSON.parse(
  readFileSync(new URL('../fixtures/murmur2-java.json', import.meta.url), 'utf8'),
) as Reference[];

describe('murmur2 - agreement with the Java client', () => {
  it('has reference values to compare with', () => {
    expect(references.length).toBeGreaterThan(40);
  });

  it.each(references.map((r) => [r.key, r] as const))('hashes %j like Java', (_, reference) => {
    expect(murmur2(Buffer.from(reference.key, 'utf8'))).toBe(reference.hash);
  });

  it.each(references.map((r) => [r.key, r] as const))('places %j like Java', (_, reference) => {
    for (const [count, partition] of Object.entries(reference.partitions)) {
      expect(partitionForKey(Buffer.from(reference.key, 'utf8'), Number(count))).toBe(partition);
    }
  });
});
