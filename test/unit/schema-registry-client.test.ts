import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { SchemaRegistryClient } from '../../src/serde/schema-registry-client.js';
import { failureOf } from '../support/failure-of.js';

interface Seen {
  method: string;
  url: string;
  body: string;
  authorization?: string;
}

type Answer = { status: number; body?: unknown };

let server: Server | undefined;

/** A loopback HTTP server that answers from a list and records what it was asked. */
async function serve(answers: Answer[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body,
        authorization: request.headers.authorization,
      });
      const answer = answers.shift() ?? { status: 500, body: { message: 'no more answers' } };
      response.writeHead(answer.status, { 'Content-Type': 'application/json' });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise((resolve) => running.close(resolve));
});

describe('SchemaRegistryClient - requests', () => {
  it('registers with the Confluent content type and basic auth', async () => {
    const { url, seen } = await serve([{ status: 200, body: { id: 7 } }]);
    const client = new SchemaRegistryClient({ url, auth: { username: 'u', password: 'p' } });
    expect(await client.register('orders-value', '"string"')).toBe(7);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/subjects/orders-value/versions',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ schema: '"string"' });
  });

  it('treats "subject not found" on lookup as absent', async () => {
    const { url } = await serve([{ status: 404, body: { error_code: 40401, message: 'nope' } }]);
    const client = new SchemaRegistryClient({ url });
    expect(await client.lookup('x-value', '"string"')).toBeUndefined();
  });

  it('lists versions of an unknown subject as empty', async () => {
    const { url } = await serve([{ status: 404, body: { error_code: 40401, message: 'nope' } }]);
    expect(await new SchemaRegistryClient({ url }).listVersions('x')).toEqual([]);
  });

  it('reads and sets compatibility', async () => {
    const { url, seen } = await serve([
      { status: 200, body: { compatibilityLevel: 'FULL' } },
      { status: 200, body: { compatibility: 'BACKWARD' } },
    ]);
    const client = new SchemaRegistryClient({ url });
    expect(await client.getCompatibility('s')).toBe('FULL');
    await client.setCompatibility('BACKWARD', 's');
    expect(seen[1]).toMatchObject({ method: 'PUT', url: '/config/s' });
  });
});

describe('SchemaRegistryClient - failures', () => {
  it('maps 409 to SchemaIncompatible with the registry message', async () => {
    const { url } = await serve([
      { status: 409, body: { error_code: 409, message: 'incompatible with version 1' } },
    ]);
    const error = await failureOf(new SchemaRegistryClient({ url }).register('s', '"int"'));
    expect(error.type).toBe('SchemaIncompatible');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('incompatible with version 1');
  });

  it.each([
    [401, 'AuthenticationFailure'],
    [403, 'AuthorizationFailure'],
    [422, 'InvalidConfiguration'],
  ])('maps %i to %s', async (status, type) => {
    const { url } = await serve([{ status, body: { message: 'said so' } }]);
    const error = await failureOf(new SchemaRegistryClient({ url }).getSchemaById(1));
    expect(error.type).toBe(type);
  });

  it('retries 5xx answers and then succeeds', async () => {
    const { url, seen } = await serve([
      { status: 503, body: { message: 'busy' } },
      { status: 500, body: { message: 'oops' } },
      { status: 200, body: { schema: '"string"' } },
    ]);
    const client = new SchemaRegistryClient({ url, retries: 3, retryDelayMs: 1 });
    expect(await client.getSchemaById(3)).toBe('"string"');
    expect(seen).toHaveLength(3);
  });

  it('gives up on 5xx after the retries with a retriable error', async () => {
    const { url, seen } = await serve([]);
    const client = new SchemaRegistryClient({ url, retries: 2, retryDelayMs: 1 });
    const error = await failureOf(client.getSchemaById(3));
    expect(error.type).toBe('BrokerUnavailable');
    expect(error.retriable).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('names the address when nothing listens there', async () => {
    const client = new SchemaRegistryClient({
      url: 'http://127.0.0.1:1',
      retries: 1,
      retryDelayMs: 1,
    });
    const error = await failureOf(client.getSchemaById(1));
    expect(error.type).toBe('BrokerUnavailable');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('http://127.0.0.1:1');
  });

  it('times out a registry that does not answer', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new SchemaRegistryClient({
      url: `http://127.0.0.1:${port}`,
      requestTimeoutMs: 100,
      retries: 0,
    });
    const error = await failureOf(client.getSchemaById(1));
    expect(error.type).toBe('NetworkTimeout');
    expect(error.retriable).toBe(true);
    server.closeAllConnections();
  });
});
