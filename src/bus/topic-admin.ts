import type { DriverAdmin, KafkaDriver } from '../driver/kafka-driver.js';
import type { Logger } from '../logging/logger.js';
import type { MessageKey, TopicDefinition } from '../topics/topic-definition.js';

/** Kafka's default `message.max.bytes`: 1 MiB plus the record batch overhead. */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Creates topics on first use (when allowed) and remembers their partition counts. One admin
 * connection serves the whole bus; it is opened on first need.
 */
export class TopicAdmin {
  readonly #driver: KafkaDriver;
  readonly #createTopics: boolean;
  readonly #logger: Logger;
  readonly #counts = new Map<string, Promise<number>>();
  readonly #maxBytes = new Map<string, Promise<number>>();
  #admin: Promise<DriverAdmin> | undefined;

  constructor(driver: KafkaDriver, createTopics: boolean, logger: Logger) {
    this.#driver = driver;
    this.#createTopics = createTopics;
    this.#logger = logger.child({ component: 'admin' });
  }

  /** Makes sure the topic exists (creating it when allowed) and resolves its partition count. */
  ensure(topic: TopicDefinition<unknown, MessageKey>): Promise<number> {
    let count = this.#counts.get(topic.name);
    if (!count) {
      count = this.#resolve(topic);
      count.catch(() => this.#counts.delete(topic.name));
      this.#counts.set(topic.name, count);
    }
    return count;
  }

  /**
   * The largest record batch the topic accepts (`max.message.bytes`, which defaults to the
   * broker's `message.max.bytes`); Kafka's default when the driver cannot tell.
   */
  maxMessageBytes(topic: TopicDefinition<unknown, MessageKey>): Promise<number> {
    let limit = this.#maxBytes.get(topic.name);
    if (!limit) {
      limit = this.#readMaxMessageBytes(topic.name);
      limit.catch(() => this.#maxBytes.delete(topic.name));
      this.#maxBytes.set(topic.name, limit);
    }
    return limit;
  }

  /** The shared admin connection. */
  async connection(): Promise<DriverAdmin> {
    if (!this.#admin) {
      const admin = this.#driver.admin();
      this.#admin = admin.connect().then(() => admin);
      this.#admin.catch(() => (this.#admin = undefined));
    }
    return this.#admin;
  }

  /** Closes the admin connection when one was opened. */
  async close(): Promise<void> {
    const admin = await this.#admin?.catch(() => undefined);
    this.#admin = undefined;
    await admin?.disconnect();
  }

  async #resolve(topic: TopicDefinition<unknown, MessageKey>): Promise<number> {
    if (this.#createTopics) {
      const admin = await this.connection();
      const created = await admin.createTopics([
        {
          topic: topic.name,
          partitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
        },
      ]);
      if (created.length > 0) this.#logger.info({ topic: topic.name }, 'topic created');
    }
    return this.#lookup(topic.name);
  }

  async #readMaxMessageBytes(name: string): Promise<number> {
    const admin = await this.connection();
    if (!admin.topicConfig) return KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    const config = await admin.topicConfig(name, ['max.message.bytes']);
    const value = Number(config.get('max.message.bytes'));
    return Number.isInteger(value) && value > 0 ? value : KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

  async #lookup(name: string): Promise<number> {
    const admin = await this.connection();
    const counts = await admin.partitionCounts([name]);
    return counts.get(name) ?? 0;
  }
}
