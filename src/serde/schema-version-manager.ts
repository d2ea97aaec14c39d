import avro from 'avsc';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { AvroSchema } from '../topics/topic-definition.js';
import type { CompatibilityLevel, RegisteredSchema, SchemaRegistry } from './schema-registry.js';

/** The verdict on a candidate schema for a subject. */
export interface SchemaCheck {
  /** The subject's compatibility level, as the registry reports it. */
  readonly level: CompatibilityLevel;
  /** Problems avsc's resolver found against the versions the level covers; empty when none. */
  readonly localProblems: readonly string[];
  /** The registry's own answer to its compatibility check. */
  readonly registryCompatible: boolean;
  /** Both checks agree the candidate can be registered. */
  readonly compatible: boolean;
}

/**
 * Lists a subject's schema versions, checks a candidate schema locally (avsc's resolver, under
 * the subject's compatibility level) and against the registry, and upgrades: registers the
 * candidate only when both checks pass.
 *
 * @example
 * const versions = new SchemaVersionManager(new SchemaRegistryClient({ url }));
 * const check = await versions.check('orders-value', orderSchemaV2);
 * if (check.compatible) await versions.upgrade('orders-value', orderSchemaV2);
 */
export class SchemaVersionManager {
  readonly #registry: SchemaRegistry;

  constructor(registry: SchemaRegistry) {
    this.#registry = registry;
  }

  /** Every version of a subject, oldest first; empty when the subject does not exist. */
  async versions(subject: string): Promise<RegisteredSchema[]> {
    const numbers = await this.#registry.listVersions(subject);
    return Promise.all(numbers.map((n) => this.#registry.getVersion(subject, n)));
  }

  /**
   * Checks a candidate against the subject. BACKWARD: the candidate reads data of the latest
   * version; FORWARD: the latest reads the candidate's data; FULL: both; the `_TRANSITIVE`
   * levels check every version; NONE checks nothing.
   *
   * @throws KafkaBusError `InvalidConfiguration` for a candidate that is not a valid schema;
   *   `BrokerUnavailable` / `NetworkTimeout` when the registry cannot be reached.
   */
  async check(subject: string, candidate: AvroSchema): Promise<SchemaCheck> {
    const text = schemaText(candidate);
    const type = compile(text);
    const level = await this.#registry.getCompatibility(subject);
    const all = await this.versions(subject);
    const covered = level.endsWith('_TRANSITIVE') ? all : all.slice(-1);
    const localProblems: string[] = [];
    for (const version of level === 'NONE' ? [] : covered) {
      const old = compile(version.schema);
      if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
        const problem = resolveProblem(type, old);
        if (problem) localProblems.push(`cannot read version ${version.version}: ${problem}`);
      }
      if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
        const problem = resolveProblem(old, type);
        if (problem) localProblems.push(`version ${version.version} cannot read it: ${problem}`);
      }
    }
    const registryCompatible = await this.#registry.testCompatibility(subject, text);
    const compatible = registryCompatible && localProblems.length === 0;
    return { level, localProblems, registryCompatible, compatible };
  }

  /**
   * Registers the candidate as the subject's next version after {@link check} passes; resolves
   * with the registered schema (the existing one when the candidate is already registered).
   *
   * @throws KafkaBusError `SchemaIncompatible` listing the problems when a check fails.
   */
  async upgrade(subject: string, candidate: AvroSchema): Promise<RegisteredSchema> {
    const text = schemaText(candidate);
    const existing = await this.#registry.lookup(subject, text);
    if (existing) return existing;
    const verdict = await this.check(subject, candidate);
    if (!verdict.compatible) {
      const problems = verdict.localProblems.join('; ') || 'the registry refuses it';
      throw new KafkaBusError(
        `Schema is not ${verdict.level}-compatible with subject "${subject}": ${problems}`,
        { type: 'SchemaIncompatible' },
      );
    }
    await this.#registry.register(subject, text);
    return this.#registry.getLatest(subject);
  }
}

function schemaText(schema: AvroSchema): string {
  if (typeof schema === 'string' && /^\s*[[{"]/.test(schema)) return schema;
  return JSON.stringify(schema);
}

function compile(text: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(text) as avro.Schema);
  } catch (error) {
    throw new KafkaBusError(`Not a valid Avro schema: ${(error as Error).message}`, {
      type: 'InvalidConfiguration',
      field: 'schema',
      cause: error,
    });
  }
}

function resolveProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
