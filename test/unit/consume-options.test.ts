import { describe, expect, it } from 'vitest';

import { validateConsumeOptions } from '../../src/consumer/consume-options.js';
import { KafkaBusError } from '../../src/index.js';

function fieldOf(work: () => void): string | undefined {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaBusError);
    expect((error as KafkaBusError).type).toBe('InvalidConfiguration');
    return (error as KafkaBusError).field;
  }
  return undefined;
}

describe('validateConsumeOptions - names the wrong field', () => {
  it('accepts sensible options', () => {
    expect(fieldOf(() => validateConsumeOptions({ groupId: 'g', highWaterMark: 10 }))).toBe(
      undefined,
    );
  });

  it.each([
    [{ groupId: '' }, 'groupId'],
    [{ groupId: 'g', highWaterMark: 0 }, 'highWaterMark'],
    [{ groupId: 'g', highWaterMarkBytes: 1.5 }, 'highWaterMarkBytes'],
    [{ groupId: 'g', commitEveryAcks: -1 }, 'commitEveryAcks'],
    [{ groupId: 'g', commitIntervalMs: Number.NaN }, 'commitIntervalMs'],
    [{ groupId: 'g', fetchMaxWaitMs: -5 }, 'fetchMaxWaitMs'],
    [{ groupId: 'g', rebalanceDrainMs: 60_000 }, 'rebalanceDrainMs'],
  ])('rejects %o', (options, field) => {
    expect(fieldOf(() => validateConsumeOptions(options))).toBe(field);
  });
});
