import type avro from 'avsc';

import { KafkaBusError, type KafkaCoordinates } from '../errors/kafka-bus-error.js';
import { corrupted, HEADER_SIZE, writeHeader, type FramedPart } from './wire-format.js';

/** A compiled Avro type, as avsc gives it. */
export type AvroType = avro.Type;

const INITIAL_SCRATCH_BYTES = 64 * 1024;

/**
 * Encodes values of one schema, registered under one id, into Confluent-framed buffers.
 * Encoding is synchronous and copies the body once: avsc writes into a reused scratch buffer
 * right after the header, and the result is sliced out of it.
 */
export class AvroEncoder {
  readonly #type: AvroType;
  readonly #schemaId: number;
  #scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(type: AvroType, schemaId: number) {
    this.#type = type;
    this.#schemaId = schemaId;
  }

  /** The registry id written into every header. */
  get schemaId(): number {
    return this.#schemaId;
  }

  /**
   * Encodes one value (or key: `part` then prefixes the field path in errors with `key.`).
   *
   * @throws KafkaBusError `SerializationFailure` naming the field path, the expected type and
   *   the value found, when the value does not fit the schema.
   */
  encode(value: unknown, topic?: string, part: FramedPart = 'value'): Buffer {
    let end: number;
    try {
      end = this.#type.encode(value, this.#scratch, HEADER_SIZE);
      while (end < 0) {
        this.#scratch = Buffer.allocUnsafe((this.#scratch.length - end) * 2);
        end = this.#type.encode(value, this.#scratch, HEADER_SIZE);
      }
    } catch (error) {
      throw describeInvalid(this.#type, value, topic, error, part);
    }
    const framed = Buffer.allocUnsafe(end);
    this.#scratch.copy(framed, HEADER_SIZE, HEADER_SIZE, end);
    writeHeader(framed, this.#schemaId);
    return framed;
  }
}

/**
 * Decodes a framed body written with `writer` into a value of `reader`, resolving between the
 * two schemas (fields added with defaults, removed fields skipped, promotions).
 */
export class AvroDecoder {
  readonly #reader: AvroType;
  readonly #resolver: avro.Resolver | undefined;

  constructor(reader: AvroType, writer: AvroType) {
    this.#reader = reader;
    this.#resolver = reader.equals(writer) ? undefined : reader.createResolver(writer);
  }

  /**
   * Decodes the Avro body after the 5-byte header.
   *
   * @throws KafkaBusError `CorruptedMessage` with the coordinates when the body is truncated
   *   or does not match the writer's schema.
   */
  decode(framed: Buffer, where?: KafkaCoordinates, part: FramedPart = 'value'): unknown {
    let result: { value: unknown; offset: number };
    try {
      result = this.#reader.decode(framed, HEADER_SIZE, this.#resolver);
    } catch (error) {
      throw corrupted('does not match its writer schema', where ?? {}, error, part);
    }
    if (result.offset < 0) throw corrupted('is truncated', where ?? {}, undefined, part);
    return result.value;
  }
}

/** Checks a value against a type and explains the first mismatch as a bus error. */
export function describeInvalid(
  type: AvroType,
  value: unknown,
  topic: string | undefined,
  cause?: unknown,
  part: FramedPart = 'value',
): KafkaBusError {
  let found: { path: string; expected: string; actual: unknown } | undefined;
  type.isValid(value, {
    errorHook: (path, actual, at) => {
      found ??= { path: path.join('.'), expected: describeType(at), actual };
    },
  });
  const schema = part === 'key' ? 'key schema' : 'schema';
  const target = topic === undefined ? `the ${schema}` : `the ${schema} of ${topic}`;
  const what = part === 'key' ? 'Key' : 'Value';
  if (!found) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new KafkaBusError(`${what} does not fit ${target}: ${reason}`, {
      type: 'SerializationFailure',
      cause,
      topic,
      ...(part === 'key' ? { field: 'key' } : {}),
    });
  }
  const path = part === 'key' ? ['key', found.path].filter(Boolean).join('.') : found.path;
  const field = path === '' ? '(root)' : path;
  return new KafkaBusError(
    `${what} does not fit ${target}: field ${field} expects ${found.expected}, ` +
      `found ${preview(found.actual)}`,
    { type: 'SerializationFailure', cause, topic, field },
  );
}

function describeType(type: AvroType): string {
  const name = type.name ?? type.typeName;
  if (type.typeName === 'enum') {
    return `enum ${name} (${(type as avro.types.EnumType).symbols.join(' | ')})`;
  }
  if (type.typeName.startsWith('union')) {
    return (type as unknown as { types: AvroType[] }).types.map(describeType).join(' | ');
  }
  return name;
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return String(value);
  }
}
