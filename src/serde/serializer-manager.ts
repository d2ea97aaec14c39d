import avro from 'avsc';

import { KafkaBusError, type KafkaCoordinates } from '../errors/kafka-bus-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { AvroSchema, TopicDefinition } from '../topics/topic-definition.js';
import { AvroDecoder, AvroEncoder, type AvroType } from './avro-codec.js';
import { MonitoredSchemaCache, type SchemaCacheThresholds } from './monitored-schema-cache.js';
import type { SchemaRegistry } from './schema-registry.js';
import {
  checkSubjectNameStrategy,
  subjectName,
  type SubjectNameStrategy,
} from './subject-name-strategy.js';
import {
  corrupted,
  HEADER_SIZE,
  MAGIC_BYTE,
  readSchemaId,
  type FramedPart,
} from './wire-format.js';

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
  /** How subjects are named. Default `'topic'` (`<topic>-value`). */
  readonly subjectNameStrategy?: SubjectNameStrategy;
  /** Subject registrations and writer schemas (by id) kept compiled. Default 1 000 each. */
  readonly maxCachedSchemas?: number;
  /** How often the cache's `stats$` emits when nothing changes, in ms. Default 5 000. */
  readonly statsIntervalMs?: number;
  /** Cache thresholds whose breaches `stats$` reports. */
  readonly cacheThresholds?: SchemaCacheThresholds;
  readonly logger?: Logger;
}

/** The part of a topic definition the serializers read. */
type AnyTopic = Pick<TopicDefinition<unknown>, 'name' | 'valueSchema' | 'keySchema'> & {
  readonly keyType?: 'string' | 'buffer';
};

/** What the manager keeps per topic definition (two definitions of one topic differ). */
interface TopicSerde {
  readonly reader: AvroType;
  readonly schemaText: string;
  encoder?: AvroEncoder;
  pending?: Promise<AvroEncoder>;
  readonly decoders: Map<number, AvroDecoder>;
  lastId: number;
  lastDecoder: AvroDecoder | undefined;
}

/**
 * Owns the Avro side of every topic: registers or looks up value schemas under the subject the
 * strategy names, compiles them once, and hands out synchronous encoders and decoders. Only the
 * first use of a topic definition (or of an unseen writer schema id) waits for the registry;
 * after that, encoding and decoding involve no Promise. State is kept per definition object, so
 * a producer on version 1 and a consumer on version 2 of one topic can share a bus.
 */
export class SerializerManager {
  /** The schema cache, with its `stats$`. */
  readonly cache: MonitoredSchemaCache;
  readonly #registry: SchemaRegistry;
  readonly #autoRegister: boolean;
  readonly #strategy: SubjectNameStrategy;
  readonly #logger: Logger;
  readonly #topics = new WeakMap<AnyTopic, TopicSerde>();
  readonly #keys = new WeakMap<AnyTopic, TopicSerde>();
  readonly #pendingWriters = new Map<number, Promise<void>>();
  #lastTopic: AnyTopic | undefined;
  #lastSerde: TopicSerde | undefined;

  constructor(options: SerializerManagerOptions) {
    this.#registry = options.registry;
    this.#autoRegister = options.autoRegister ?? true;
    this.#strategy = checkSubjectNameStrategy(options.subjectNameStrategy ?? 'topic');
    this.#logger = (options.logger ?? silentLogger).child({ component: 'serde' });
    this.cache = new MonitoredSchemaCache({
      maxEntries: options.maxCachedSchemas,
      statsIntervalMs: options.statsIntervalMs,
      thresholds: options.cacheThresholds,
    });
  }

  /** The subject a topic's values are registered under, by the configured strategy. */
  valueSubject(topic: AnyTopic): string {
    return subjectName(this.#strategy, topic.name, 'value', topic.valueSchema);
  }

  /** The subject a topic's Avro keys are registered under, by the configured strategy. */
  keySubject(topic: AnyTopic): string {
    return subjectName(this.#strategy, topic.name, 'key', topic.keySchema ?? 'null');
  }

  /**
   * Resolves the registry id of the topic's value schema (registering it when allowed) and
   * compiles the encoder; the same for its key schema when it has one. Concurrent calls share
   * one registry round trip.
   *
   * @throws KafkaBusError `SchemaIncompatible` when the subject's compatibility refuses the
   *   schema; `InvalidConfiguration` (field `avro.autoRegister`) when registration is off and
   *   the schema is not registered; `BrokerUnavailable` / `NetworkTimeout` (retriable).
   */
  prepareEncoder(topic: AnyTopic): Promise<AvroEncoder> {
    const serde = this.#serde(topic);
    const keyReady = topic.keySchema === undefined || this.#keys.get(topic)?.encoder;
    if (serde.encoder && keyReady) return Promise.resolve(serde.encoder);
    serde.pending ??= this.#createEncoders(topic, serde).finally(() => (serde.pending = undefined));
    return serde.pending;
  }

  /**
   * Encodes a message key as the topic says: with its `keySchema` into Confluent-framed Avro
   * (the key encoder must have been prepared by {@link prepareEncoder}), else a string as
   * UTF-8 and a Buffer as is. Synchronous.
   *
   * @throws KafkaBusError `SerializationFailure` (field `key` or `key.<path>`) when the key does
   *   not fit the key schema, or is neither string nor Buffer on a topic without one;
   *   `InvalidConfiguration` when the key encoder was not prepared.
   */
  encodeKey(topic: AnyTopic, key: unknown): Buffer {
    if (topic.keySchema === undefined) {
      if (typeof key === 'string') return Buffer.from(key);
      if (Buffer.isBuffer(key)) return key;
      throw new KafkaBusError(
        `Key of ${topic.name} must be a string or a Buffer: the topic has no keySchema`,
        { type: 'SerializationFailure', topic: topic.name, field: 'key' },
      );
    }
    const encoder = this.#keys.get(topic)?.encoder;
    if (!encoder) {
      throw new KafkaBusError(`Key encoder of ${topic.name} used before prepareEncoder`, {
        type: 'InvalidConfiguration',
        topic: topic.name,
        field: 'keySchema',
      });
    }
    return encoder.encode(key, topic.name, 'key');
  }

  /**
   * Turns the key bytes of a received record into the message key, as the topic says: Avro
   * decoded into its `keySchema` (writer schema resolved as for values; it must have been
   * loaded by {@link prepareDecoding}), else UTF-8 text or the raw Buffer by `keyType`.
   * A `null` key stays `null`.
   *
   * @throws KafkaBusError `CorruptedMessage` with the coordinates when Avro key bytes lack the
   *   magic byte, name an unknown schema id, cannot be resolved, or are truncated.
   */
  decodeKey(topic: AnyTopic, key: Buffer | null, where?: KafkaCoordinates): unknown {
    if (key === null) return null;
    if (topic.keySchema === undefined) return topic.keyType === 'buffer' ? key : key.toString();
    const serde = this.#serde(topic, 'key');
    const id = key.length >= HEADER_SIZE && key[0] === MAGIC_BYTE ? key.readInt32BE(1) : NaN;
    let decoder = id === serde.lastId ? serde.lastDecoder : serde.decoders.get(id);
    if (!decoder) decoder = this.#createDecoder(serde, key, where ?? {}, 'key');
    serde.lastId = id;
    serde.lastDecoder = decoder;
    return decoder.decode(key, where, 'key');
  }

  /** The topic's encoder when {@link prepareEncoder} has completed, else `undefined`. */
  encoder(topic: AnyTopic): AvroEncoder | undefined {
    return this.#topics.get(topic)?.encoder;
  }

  /**
   * Prepares the encoders of the given topics at once, so their first messages pay no registry
   * round trip. Resolves when all are ready; rejects with the first failure.
   */
  async preload(topics: Iterable<AnyTopic>): Promise<void> {
    await Promise.all([...topics].map((topic) => this.prepareEncoder(topic)));
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
    let missing: Set<number> | undefined;
    let previous = NaN;
    for (const value of values) {
      if (!value || value.length < HEADER_SIZE || value[0] !== MAGIC_BYTE) continue;
      const id = value.readInt32BE(1);
      // A batch is mostly one schema: look each run of equal ids up once.
      if (id === previous) continue;
      previous = id;
      if (!this.cache.writer(id)) (missing ??= new Set()).add(id);
    }
    if (missing) await Promise.all([...missing].map((id) => this.#loadWriter(id)));
  }

  /**
   * Decodes a framed value into the topic's (reader) schema, resolving from the writer's
   * schema: fields the writer lacks get their defaults, fields the reader lacks are skipped.
   * The writer schema must have been loaded by {@link prepareDecoding} (or be the topic's own).
   *
   * @throws KafkaBusError `CorruptedMessage` with the coordinates for a missing magic byte,
   *   an unknown schema id, a writer schema the reader cannot resolve, or a truncated body.
   */
  decode(topic: AnyTopic, value: Buffer | null, where?: KafkaCoordinates): unknown {
    // The hot path: no allocation and no Promise; the last topic and writer id seen are kept
    // at hand because a batch is usually one topic and one schema.
    if (value === null) throw corrupted('is empty (null)', where ?? {});
    const serde = topic === this.#lastTopic ? this.#lastSerde! : this.#serdeOf(topic);
    const id = value.length >= HEADER_SIZE && value[0] === MAGIC_BYTE ? value.readInt32BE(1) : NaN;
    let decoder = id === serde.lastId ? serde.lastDecoder : serde.decoders.get(id);
    if (!decoder) decoder = this.#createDecoder(serde, value, where ?? {});
    serde.lastId = id;
    serde.lastDecoder = decoder;
    return decoder.decode(value, where);
  }

  #createDecoder(
    serde: TopicSerde,
    value: Buffer,
    where: KafkaCoordinates,
    part: FramedPart = 'value',
  ): AvroDecoder {
    const id = readSchemaId(value, where, part);
    const writer = this.cache.writer(id);
    if (!writer) {
      throw corrupted(`names schema id ${id}, unknown to the registry`, where, undefined, part);
    }
    let decoder: AvroDecoder;
    try {
      decoder = new AvroDecoder(serde.reader, writer);
    } catch (error) {
      const problem = `has schema id ${id}, which the reader cannot resolve`;
      throw corrupted(problem, where, error, part);
    }
    serde.decoders.set(id, decoder);
    return decoder;
  }

  #serdeOf(topic: AnyTopic): TopicSerde {
    const serde = this.#serde(topic);
    this.#lastTopic = topic;
    this.#lastSerde = serde;
    return serde;
  }

  async #createEncoders(topic: AnyTopic, serde: TopicSerde): Promise<AvroEncoder> {
    const keySerde = topic.keySchema === undefined ? undefined : this.#serde(topic, 'key');
    const [encoder] = await Promise.all([
      serde.encoder ?? this.#createEncoder(this.valueSubject(topic), serde),
      keySerde && (keySerde.encoder ?? this.#createEncoder(this.keySubject(topic), keySerde)),
    ]);
    return encoder;
  }

  async #createEncoder(subject: string, serde: TopicSerde): Promise<AvroEncoder> {
    const id = await this.#resolveId(subject, serde.schemaText);
    const encoder = new AvroEncoder(serde.reader, id);
    serde.encoder = encoder;
    if (!this.cache.writer(id)) this.cache.rememberWriter(id, serde.reader);
    this.#logger.info({ subject, schemaId: id }, 'schema ready');
    return encoder;
  }

  async #resolveId(subject: string, schema: string): Promise<number> {
    const known = this.cache.id(subject, schema);
    if (known !== undefined) return known;
    let id: number | undefined;
    if (this.#autoRegister) {
      id = await this.cache.timed(() => this.#registry.register(subject, schema));
    } else {
      id = (await this.cache.timed(() => this.#registry.lookup(subject, schema)))?.id;
    }
    if (id === undefined) {
      throw new KafkaBusError(
        `Schema for subject "${subject}" is not registered and auto-registration is off: ` +
          'register it first (or turn avro.autoRegister on)',
        { type: 'InvalidConfiguration', field: 'avro.autoRegister' },
      );
    }
    this.cache.rememberId(subject, schema, id);
    return id;
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
      text = await this.cache.timed(() => this.#registry.getSchemaById(id));
    } catch (error) {
      // An id the registry does not know is the message's fault: decode reports it.
      if (error instanceof KafkaBusError && !error.retriable) return;
      throw error;
    }
    this.cache.rememberWriter(id, compile(JSON.parse(text) as AvroSchema));
  }

  #serde(topic: AnyTopic, part: FramedPart = 'value'): TopicSerde {
    const serdes = part === 'key' ? this.#keys : this.#topics;
    let serde = serdes.get(topic);
    if (!serde) {
      const schema = part === 'key' ? topic.keySchema! : topic.valueSchema;
      const reader = compile(schema);
      // The schema is registered as written, so defaults, docs and logical types survive.
      const schemaText =
        typeof schema === 'string' && !/^\s*[[{"]/.test(schema)
          ? JSON.stringify(schema)
          : typeof schema === 'string'
            ? schema
            : JSON.stringify(schema);
      serde = { reader, schemaText, decoders: new Map(), lastId: NaN, lastDecoder: undefined };
      serdes.set(topic, serde);
    }
    return serde;
  }
}

function compile(schema: AvroSchema): AvroType {
  return avro.Type.forSchema(schema as avro.Schema);
}
