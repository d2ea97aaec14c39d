import avro from 'avsc';
import { LRUCache } from 'lru-cache';

import { KafkaBusError, type KafkaCoordinates } from '../errors/kafka-bus-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { AvroSchema, TopicDefinition } from '../topics/topic-definition.js';
import { AvroDecoder, AvroEncoder, type AvroType } from './avro-codec.js';
import type { SchemaRegistry } from './schema-registry.js';
import { corrupted, readSchemaId } from './wire-format.js';

/** Options of the {@link SerializerManager}. */
export interface SerializerManagerOptions {
  /** Where schemas are registered and looked up. */
  readonly registry: SchemaRegistry;
  /**
   * Register a topic's schema when it is not yet under its subject. Turn off where the
   * registry is managed elsewhere: then an unregistered schema fails with
   * `InvalidConfiguration`. Default true.
   */
  readonly autoRegister?: boolean;
  /** Writer schemas (by id) kept compiled. Default 1 000. */
  readonly maxCachedSchemas?: number;
  readonly logger?: Logger;
}

/** The part of a topic definition the serializers read. */
type AnyTopic = Pick<TopicDefinition<unknown>, 'name' | 'valueSchema'>;

const DEFAULT_MAX_CACHED_SCHEMAS = 1_000;

/**
 * Owns the Avro side of every topic: registers or looks up value schemas, compiles them once,
 * and hands out synchronous encoders and decoders. Only the first use of a topic (or of an
 * unseen writer schema id) waits for the registry; after that, encoding and decoding involve no
 * Promise.
 */
export class SerializerManager {
  readonly #registry: SchemaRegistry;
  readonly #autoRegister: boolean;
  readonly #logger: Logger;
  readonly #encoders = new Map<string, AvroEncoder>();
  readonly #pendingEncoders = new Map<string, Promise<AvroEncoder>>();
  readonly #readers = new Map<string, AvroType>();
  readonly #writers: LRUCache<number, AvroType>;
  readonly #pendingWriters = new Map<number, Promise<void>>();
  readonly #decoders: LRUCache<string, AvroDecoder>;

  constructor(options: SerializerManagerOptions) {
    this.#registry = options.registry;
    this.#autoRegister = options.autoRegister ?? true;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'serde' });
    const max = options.maxCachedSchemas ?? DEFAULT_MAX_CACHED_SCHEMAS;
    this.#writers = new LRUCache({ max });
    this.#decoders = new LRUCache({ max });
  }

  /** The subject a topic's values are registered under. */
  valueSubject(topic: AnyTopic): string {
    return `${topic.name}-value`;
  }

  /**
   * Resolves the registry id of the topic's value schema (registering it when allowed) and
   * compiles the encoder. Concurrent calls share one registry round trip.
   */
  prepareEncoder(topic: AnyTopic): Promise<AvroEncoder> {
    const ready = this.#encoders.get(topic.name);
    if (ready) return Promise.resolve(ready);
    let pending = this.#pendingEncoders.get(topic.name);
    if (!pending) {
      pending = this.#createEncoder(topic).finally(() => this.#pendingEncoders.delete(topic.name));
      this.#pendingEncoders.set(topic.name, pending);
    }
    return pending;
  }

  /** The topic's encoder when {@link prepareEncoder} has completed, else `undefined`. */
  encoder(topic: AnyTopic): AvroEncoder | undefined {
    return this.#encoders.get(topic.name);
  }

  /**
   * Loads the writer schemas of the given framed values that are not cached yet, so that
   * {@link decode} can run synchronously over them. Values that are not framed are left for
   * `decode` to report; unknown ids are remembered as such.
   *
   * @throws KafkaBusError `BrokerUnavailable` / `NetworkTimeout` when the registry cannot be
   *   reached (retriable: the values are not corrupt, the registry is away).
   */
  async prepareDecoding(values: Iterable<Buffer | null>): Promise<void> {
    const missing = new Set<number>();
    for (const value of values) {
      if (!value || value.length < 5 || value[0] !== 0) continue;
      const id = value.readInt32BE(1);
      if (!this.#writers.has(id)) missing.add(id);
    }
    await Promise.all([...missing].map((id) => this.#loadWriter(id)));
  }

  /**
   * Decodes a framed value into the topic's (reader) schema. The writer schema must have been
   * loaded by {@link prepareDecoding}.
   *
   * @throws KafkaBusError `CorruptedMessage` with the coordinates for a missing magic byte,
   *   an unknown schema id or a truncated body.
   */
  decode(topic: AnyTopic, value: Buffer | null, where: KafkaCoordinates = {}): unknown {
    if (value === null) throw corrupted('is empty (null)', where);
    const id = readSchemaId(value, where);
    const key = `${topic.name}:${id}`;
    let decoder = this.#decoders.get(key);
    if (!decoder) {
      const writer = this.#writers.get(id);
      if (!writer) throw corrupted(`names schema id ${id}, unknown to the registry`, where);
      decoder = new AvroDecoder(this.#reader(topic), writer);
      this.#decoders.set(key, decoder);
    }
    return decoder.decode(value, where);
  }

  async #createEncoder(topic: AnyTopic): Promise<AvroEncoder> {
    const type = this.#reader(topic);
    const subject = this.valueSubject(topic);
    const text = JSON.stringify(type.schema());
    const id = await this.#resolveId(subject, text);
    const encoder = new AvroEncoder(type, id);
    this.#encoders.set(topic.name, encoder);
    this.#writers.set(id, type);
    this.#logger.info({ subject, schemaId: id }, 'schema ready');
    return encoder;
  }

  async #resolveId(subject: string, schema: string): Promise<number> {
    if (this.#autoRegister) return this.#registry.register(subject, schema);
    const found = await this.#registry.lookup(subject, schema);
    if (found) return found.id;
    throw new KafkaBusError(
      `Schema for subject "${subject}" is not registered and auto-registration is off`,
      { type: 'InvalidConfiguration', field: 'avro.autoRegister' },
    );
  }

  async #loadWriter(id: number): Promise<void> {
    let pending = this.#pendingWriters.get(id);
    if (!pending) {
      pending = this.#fetchWriter(id).finally(() => this.#pendingWriters.delete(id));
      this.#pendingWriters.set(id, pending);
    }
    await pending;
  }

  async #fetchWriter(id: number): Promise<void> {
    let text: string;
    try {
      text = await this.#registry.getSchemaById(id);
    } catch (error) {
      // An id the registry does not know is the message's fault: decode reports it.
      if (error instanceof KafkaBusError && !error.retriable) return;
      throw error;
    }
    this.#writers.set(id, compile(JSON.parse(text) as AvroSchema));
  }

  #reader(topic: AnyTopic): AvroType {
    let type = this.#readers.get(topic.name);
    if (!type) {
      type = compile(topic.valueSchema);
      this.#readers.set(topic.name, type);
    }
    return type;
  }
}

function compile(schema: AvroSchema): AvroType {
  return avro.Type.forSchema(schema as avro.Schema);
}
