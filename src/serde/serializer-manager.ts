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
import { corrupted, HEADER_SIZE, MAGIC_BYTE, readSchemaId } from './wire-format.js';

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
type AnyTopic = Pick<TopicDefinition<unknown>, 'name' | 'valueSchema'>;

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

  /**
   * Resolves the registry id of the topic's value schema (registering it when allowed) and
   * compiles the encoder. Concurrent calls share one registry round trip.
   *
   * @throws KafkaBusError `SchemaIncompatible` when the subject's compatibility refuses the
   *   schema; `InvalidConfiguration` (field `avro.autoRegister`) when registration is off and
   *   the schema is not registered; `BrokerUnavailable` / `NetworkTimeout` (retriable).
   */
  prepareEncoder(topic: AnyTopic): Promise<AvroEncoder> {
    const serde = this.#serde(topic);
    if (serde.encoder) return Promise.resolve(serde.encoder);
    serde.pending ??= this.#createEncoder(topic, serde).finally(() => (serde.pending = undefined));
    return serde.pending;
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

  #createDecoder(serde: TopicSerde, value: Buffer, where: KafkaCoordinates): AvroDecoder {
    const id = readSchemaId(value, where);
    const writer = this.cache.writer(id);
    if (!writer) throw corrupted(`names schema id ${id}, unknown to the registry`, where);
    let decoder: AvroDecoder;
    try {
      decoder = new AvroDecoder(serde.reader, writer);
    } catch (error) {
      throw corrupted(`has schema id ${id}, which the reader cannot resolve`, where, error);
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

  async #createEncoder(topic: AnyTopic, serde: TopicSerde): Promise<AvroEncoder> {
    const subject = this.valueSubject(topic);
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

  #serde(topic: AnyTopic): TopicSerde {
    let serde = this.#topics.get(topic);
    if (!serde) {
      const reader = compile(topic.valueSchema);
      // The schema is registered as written, so defaults, docs and logical types survive.
      const schemaText =
        typeof topic.valueSchema === 'string' && !/^\s*[[{"]/.test(topic.valueSchema)
          ? JSON.stringify(topic.valueSchema)
          : typeof topic.valueSchema === 'string'
            ? topic.valueSchema
            : JSON.stringify(topic.valueSchema);
      serde = { reader, schemaText, decoders: new Map(), lastId: NaN, lastDecoder: undefined };
      this.#topics.set(topic, serde);
    }
    return serde;
  }
}

function compile(schema: AvroSchema): AvroType {
  return avro.Type.forSchema(schema as avro.Schema);
}
