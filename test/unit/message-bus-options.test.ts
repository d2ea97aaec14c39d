import { describe, expect, it } from 'vitest';

import { createMessageBus } from '../../src/bus/create-message-bus.js';
import { KafkaBusError } from '../../src/errors/kafka-bus-error.js';

const registry = { url: 'http://127.0.0.1:8081' };

describe('createMessageBus - options', () => {
  it.each([
    ['brokers', { schemaRegistry: registry }],
    ['brokers', { brokers: [], schemaRegistry: registry }],
    ['brokers', { brokers: ['localhost'], schemaRegistry: registry }],
    ['schemaRegistry', { brokers: ['127.0.0.1:9092'] }],
    ['schemaRegistry.url', { brokers: ['127.0.0.1:9092'], schemaRegistry: { url: 'ftp://x' } }],
    [
      'connection.retries',
      { brokers: ['127.0.0.1:9092'], schemaRegistry: registry, connection: { retries: -1 } },
    ],
    [
      'producerPool.maxSize',
      { brokers: ['127.0.0.1:9092'], schemaRegistry: registry, producerPool: { maxSize: 0 } },
    ],
    [
      'producerPool.idleTimeoutMs',
      {
        brokers: ['127.0.0.1:9092'],
        schemaRegistry: registry,
        producerPool: { idleTimeoutMs: 1.5 },
      },
    ],
    [
      'producer.acks',
      { brokers: ['127.0.0.1:9092'], schemaRegistry: registry, producer: { acks: 1 } },
    ],
    [
      'producer.compression',
      { brokers: ['127.0.0.1:9092'], schemaRegistry: registry, producer: { compression: 'lz4' } },
    ],
  ])('refuses a bad %s at construction', (field, options) => {
    let caught: unknown;
    try {
      createMessageBus(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KafkaBusError);
    expect((caught as KafkaBusError).type).toBe('InvalidConfiguration');
    expect((caught as KafkaBusError).field).toBe(field);
  });

  it('connects to nothing until used', async () => {
    const bus = createMessageBus({ brokers: ['127.0.0.1:1'], schemaRegistry: registry });
    await bus.close();
  });
});
