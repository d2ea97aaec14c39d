import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { AvroSchema } from '../topics/topic-definition.js';

/** Whether a subject holds a topic's keys or its values. */
export type SubjectRole = 'key' | 'value';

/**
 * How the subject a schema is registered under is named, as in the Confluent serializers:
 *
 * - `'topic'` (default, `TopicNameStrategy`): `<topic>-value` / `<topic>-key`; one schema
 *   lineage per topic.
 * - `'record'` (`RecordNameStrategy`): the record's full name, `<namespace>.<name>`; one
 *   lineage per record type, shared by every topic carrying it.
 * - `'topic-record'` (`TopicRecordNameStrategy`): `<topic>-<namespace>.<name>`.
 * - a function of the topic, the role and the record's full name (undefined for non-records).
 */
export type SubjectNameStrategy =
  | 'topic'
  | 'record'
  | 'topic-record'
  | ((topic: string, role: SubjectRole, recordName: string | undefined) => string);

/**
 * The subject a topic's key or value schema goes under.
 *
 * @throws KafkaBusError `InvalidConfiguration` (field `avro.subjectNameStrategy`) when a
 *   record-based strategy meets a schema that is not a named record.
 */
export function subjectName(
  strategy: SubjectNameStrategy,
  topic: string,
  role: SubjectRole,
  schema: AvroSchema,
): string {
  if (typeof strategy === 'function') return strategy(topic, role, recordNameOf(schema));
  if (strategy === 'topic') return `${topic}-${role}`;
  const record = recordNameOf(schema);
  if (record === undefined) {
    throw new KafkaBusError(
      `Subject name strategy "${strategy}" needs a named record schema for the ${role}s of ` +
        `${topic}`,
      { type: 'InvalidConfiguration', field: 'avro.subjectNameStrategy', topic },
    );
  }
  return strategy === 'record' ? record : `${topic}-${record}`;
}

/** Checks a strategy option once, at construction. */
export function checkSubjectNameStrategy(strategy: unknown): SubjectNameStrategy {
  if (typeof strategy === 'function') return strategy as SubjectNameStrategy;
  if (strategy === 'topic' || strategy === 'record' || strategy === 'topic-record') {
    return strategy;
  }
  throw new KafkaBusError(
    `avro.subjectNameStrategy must be 'topic', 'record', 'topic-record' or a function, got ` +
      JSON.stringify(strategy),
    { type: 'InvalidConfiguration', field: 'avro.subjectNameStrategy' },
  );
}

function recordNameOf(schema: AvroSchema): string | undefined {
  if (typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const record = schema as Readonly<Record<string, unknown>>;
  if (record.type !== 'record' && record.type !== 'error') return undefined;
  const name = record.name;
  if (typeof name !== 'string') return undefined;
  if (name.includes('.') || typeof record.namespace !== 'string' || record.namespace === '') {
    return name;
  }
  return `${record.namespace}.${name}`;
}
