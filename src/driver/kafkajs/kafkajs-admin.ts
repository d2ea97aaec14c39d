import kafkajs, { type Admin, type Kafka } from 'kafkajs';

import { KafkaBusError } from '../../errors/kafka-bus-error.js';
import type {
  DriverAdmin,
  PartitionOffsets,
  TopicPartitionOffset,
  TopicSpec,
} from '../kafka-driver.js';
import { translateKafkajsError } from './translate-kafkajs-error.js';

/** A {@link DriverAdmin} on a kafkajs admin client. */
export class KafkajsAdmin implements DriverAdmin {
  readonly #admin: Admin;
  readonly #brokers: readonly string[];

  constructor(kafka: Kafka, brokers: readonly string[]) {
    this.#admin = kafka.admin();
    this.#brokers = brokers;
  }

  connect(): Promise<void> {
    return this.#attempt('connect an admin client', undefined, () => this.#admin.connect());
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    const existing = new Set(
      await this.#attempt('list topics', undefined, () => this.#admin.listTopics()),
    );
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];

    const names = missing.map((t) => t.topic);
    await this.#attempt(`create topics ${names.join(', ')}`, undefined, () =>
      this.#admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions ?? 1,
          replicationFactor: t.replicationFactor ?? 1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    return names;
  }

  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(
      await this.#attempt('list topics', undefined, () => this.#admin.listTopics()),
    );
    const unknown = topics.find((t) => !existing.has(t));
    if (unknown !== undefined) {
      throw new KafkaBusError(`Topic "${unknown}" does not exist and auto-creation is off`, {
        type: 'InvalidConfiguration',
        topic: unknown,
      });
    }

    const metadata = await this.#attempt('read topic metadata', undefined, () =>
      this.#admin.fetchTopicMetadata({ topics: [...topics] }),
    );
    return new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  }

  async fetchOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.#attempt('read topic offsets', topic, () =>
      this.#admin.fetchTopicOffsets(topic),
    );
    return offsets
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition);
  }

  async fetchOffsetsByTimestamp(topic: string, timestampMs: number) {
    const offsets = await this.#attempt('read offsets by timestamp', topic, () =>
      this.#admin.fetchTopicOffsetsByTimestamp(topic, timestampMs),
    );
    return offsets.map((o): TopicPartitionOffset => ({ topic, ...o }));
  }

  async fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    const answer = await this.#attempt('read committed offsets', topic, () =>
      this.#admin.fetchOffsets({ groupId, topics: [topic] }),
    );
    return answer.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })),
    );
  }

  async topicConfig(topic: string, names: readonly string[]): Promise<Map<string, string>> {
    const answer = await this.#attempt('describe topic config', topic, () =>
      this.#admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: [...names] },
        ],
      }),
    );
    const entries = answer.resources.flatMap((r) => r.configEntries);
    return new Map(entries.map((e) => [e.configName, e.configValue]));
  }

  async disconnect(): Promise<void> {
    await this.#admin.disconnect();
  }

  async #attempt<T>(action: string, topic: string | undefined, work: () => Promise<T>) {
    try {
      return await work();
    } catch (error) {
      throw translateKafkajsError(error, { brokers: this.#brokers, action, topic });
    }
  }
}
