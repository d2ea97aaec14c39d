import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { defineTopic, KafkaBusError } from '../../src/index.js';
import { services, testBus, uniqueTopic } from '../support/integration.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

interface Tick {
  seq: number;
}

const tickSchema = {
  type: 'record',
  name: 'Tick',
  namespace: 'test.outage',
  fields: [{ name: 'seq', type: 'int' }],
};

describe('the registry stops mid-test', () => {
  it('fails uncached work with a retriable error while cached schemas keep working', async () => {
    const registry = new URL(services.registryUrl);
    const proxy = await startTcpProxy({ host: registry.hostname, port: Number(registry.port) });
    const url = `http://${proxy.address}${registry.pathname}`;
    const bus = testBus({ schemaRegistry: { url, retries: 1, retryDelayMs: 10 } });
    const Ticks = defineTopic<Tick>({ name: uniqueTopic('ticks'), value: tickSchema });
    const Other = defineTopic<Tick>({ name: uniqueTopic('uncached'), value: tickSchema });

    await bus.send(Ticks, { seq: 1 });
    const before = bus.schemaCache.snapshot().registryCalls;
    await proxy.cut();

    await bus.send(Ticks, { seq: 2 });
    const messages = await firstValueFrom(
      bus
        .consume(Ticks, { groupId: uniqueTopic('g'), fromBeginning: true })
        .pipe(take(2), toArray()),
    );
    expect(messages.map((m) => m.value)).toEqual([{ seq: 1 }, { seq: 2 }]);
    expect(bus.schemaCache.snapshot().registryCalls).toBe(before);

    const error = await bus.send(Other, { seq: 1 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(KafkaBusError);
    expect((error as KafkaBusError).type).toBe('BrokerUnavailable');
    expect((error as KafkaBusError).retriable).toBe(true);
    expect((error as KafkaBusError).message).toContain(proxy.address);
    const stats = bus.schemaCache.snapshot();
    expect(stats.registryErrors).toBeGreaterThan(0);
    expect(stats.hits).toBeGreaterThan(0);
  });
});
