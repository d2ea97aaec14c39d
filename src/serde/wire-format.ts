import { KafkaBusError, type KafkaCoordinates } from '../errors/kafka-bus-error.js';

/** Which part of a record a framed buffer is. */
export type FramedPart = 'key' | 'value';

/** First byte of every Confluent-framed value. */
export const MAGIC_BYTE = 0;

/** Magic byte plus the 4-byte big-endian schema id. */
export const HEADER_SIZE = 5;

/**
 * Reads the schema id from a Confluent-framed buffer: magic byte 0, then a 4-byte big-endian
 * schema id, then the Avro body.
 *
 * @throws KafkaBusError `CorruptedMessage` when the buffer is too short or the magic byte is
 *   not 0, with the coordinates given.
 */
export function readSchemaId(
  buffer: Buffer,
  where: KafkaCoordinates = {},
  part: FramedPart = 'value',
): number {
  if (buffer.length < HEADER_SIZE) {
    throw corrupted(
      `is ${buffer.length} bytes, shorter than the 5-byte header`,
      where,
      undefined,
      part,
    );
  }
  if (buffer[0] !== MAGIC_BYTE) {
    throw corrupted(`starts with byte ${buffer[0]}, not the magic byte 0`, where, undefined, part);
  }
  return buffer.readInt32BE(1);
}

/** Writes the 5-byte header into `target` at `offset`. */
export function writeHeader(target: Buffer, schemaId: number, offset = 0): void {
  target[offset] = MAGIC_BYTE;
  target.writeInt32BE(schemaId, offset + 1);
}

/** Builds a `CorruptedMessage` error saying where the bad bytes were, in the key or value. */
export function corrupted(
  problem: string,
  where: KafkaCoordinates,
  cause?: unknown,
  part: FramedPart = 'value',
) {
  const at =
    where.topic === undefined
      ? ''
      : ` at ${where.topic}[${where.partition ?? '?'}]@${where.offset ?? '?'}`;
  return new KafkaBusError(`Message${at} cannot be decoded: the ${part} ${problem}`, {
    type: 'CorruptedMessage',
    cause,
    ...where,
  });
}
