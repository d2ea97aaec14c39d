import { randomBytes } from 'node:crypto';

import kafkajs from 'kafkajs';
import { afterAll, inject } from 'vitest';

import { createMessageBus, type MessageBus, type MessageBusOptions } from '../../src/index.js';

/** Brokers and registry URL provided by the global setup. */
export const services = {
  brokers: [inject('kafkaBrokers')],
  registryUrl: inject('schemaRegistryUrl'),
};

/** A topic name no other test (or earlier run) uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

const openBuses = new Set<MessageBus>();

// Each test file imports this module afresh, so this closes the buses of that file.
afterAll(async () => {
  await Promise.all([...openBuses].map((bus) => bus.close()));
  openBuses.clear();
});

/**
 * A bus on the test services; options override the defaults. It is closed after the test
 * file's last test (closing it earlier is fine: `close()` is idempotent).
 */
export function testBus(options: Partial<MessageBusOptions> = {}): MessageBus {
  const bus = createMessageBus({
    brokers: services.brokers,
    schemaRegistry: { url: services.registryUrl },
    ...options,
  });
  openBuses.add(bus);
  return bus;
}

/** A plain kafkajs client, independent of the bus, for checking what is really on a topic. */
export function plainKafka(): kafkajs.Kafka {
  return new kafkajs.Kafka({
    brokers: services.brokers,
    clientId: 'independent-check',
    logLevel: kafkajs.logLevel.NOTHING,
  });
}

/** Writes records with a plain kafkajs producer, bypassing the bus and its checks. */
export async function sendRaw(topic: string, messages: kafkajs.Message[]): Promise<void> {
  const producer = plainKafka().producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** A record as stored, with the partition it was read from. */
export type RawRecord = kafkajs.KafkaMessage & { readonly partition: number };

/** Reads the first `count` raw records of a topic with a throwaway group. */
export async function readRaw(topic: string, count: number): Promise<RawRecord[]> {
  const consumer = plainKafka().consumer({ groupId: uniqueTopic('raw-reader') });
  const seen: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} records`)), 40_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ ...message, partition });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Sum of the high watermarks of a topic's partitions: how many records it holds. */
export async function recordCount(topic: string): Promise<number> {
  const admin = plainKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
