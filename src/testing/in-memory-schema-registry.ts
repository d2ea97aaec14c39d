import avro from 'avsc';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type {
  CompatibilityLevel,
  RegisteredSchema,
  SchemaRegistry,
} from '../serde/schema-registry.js';

/**
 * A Schema Registry held in memory, for tests and demos that should not need a server. Ids are
 * global and shared by equal schemas, like the Confluent registry's. Compatibility is checked
 * with avsc's resolver against the latest version: BACKWARD means the new schema can read
 * data written with the latest, FORWARD the reverse, FULL both; the transitive levels check
 * every version.
 *
 * @example
 * const registry = new InMemorySchemaRegistry();
 * const bus = createMessageBus({ driver, schemaRegistry: { client: registry } });
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  readonly #ids = new Map<string, number>();
  readonly #schemas = new Map<number, string>();
  readonly #subjects = new Map<string, number[]>();
  readonly #levels = new Map<string, CompatibilityLevel>();
  #globalLevel: CompatibilityLevel = 'BACKWARD';

  async register(subject: string, schema: string): Promise<number> {
    const canonical = canonicalOf(schema);
    const existing = await this.lookup(subject, schema);
    if (existing) return existing.id;
    if (!(await this.testCompatibility(subject, schema))) {
      throw new KafkaBusError(
        `Schema being registered is incompatible with an earlier schema for subject "${subject}"`,
        { type: 'SchemaIncompatible' },
      );
    }
    let id = this.#ids.get(canonical);
    if (id === undefined) {
      id = this.#ids.size + 1;
      this.#ids.set(canonical, id);
      this.#schemas.set(id, schema);
    }
    this.#subjects.set(subject, [...(this.#subjects.get(subject) ?? []), id]);
    return id;
  }

  async lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined> {
    const id = this.#ids.get(canonicalOf(schema));
    const versions = this.#subjects.get(subject) ?? [];
    const index = id === undefined ? -1 : versions.indexOf(id);
    if (index < 0 || id === undefined) return undefined;
    return { subject, version: index + 1, id, schema: this.#schemas.get(id) as string };
  }

  async getSchemaById(id: number): Promise<string> {
    const schema = this.#schemas.get(id);
    if (schema === undefined) throw notFound(`Schema ${id} not found`);
    return schema;
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    const versions = this.#subjects.get(subject);
    if (!versions?.length) throw notFound(`Subject "${subject}" not found`);
    return this.getVersion(subject, versions.length);
  }

  async getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    const id = this.#subjects.get(subject)?.[version - 1];
    if (id === undefined) throw notFound(`Version ${version} of "${subject}" not found`);
    return { subject, version, id, schema: this.#schemas.get(id) as string };
  }

  async listVersions(subject: string): Promise<number[]> {
    return (this.#subjects.get(subject) ?? []).map((_, index) => index + 1);
  }

  async listSubjects(): Promise<string[]> {
    return [...this.#subjects.keys()];
  }

  async testCompatibility(subject: string, schema: string): Promise<boolean> {
    const level = await this.getCompatibility(subject);
    const versions = this.#subjects.get(subject) ?? [];
    if (level === 'NONE' || versions.length === 0) return true;
    const candidate = typeOf(schema);
    const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
    return against.every((id) => {
      const old = typeOf(this.#schemas.get(id) as string);
      const backward = !level.startsWith('FORWARD');
      const forward = !level.startsWith('BACKWARD');
      return (!backward || canRead(candidate, old)) && (!forward || canRead(old, candidate));
    });
  }

  async getCompatibility(subject?: string): Promise<CompatibilityLevel> {
    return (subject === undefined ? undefined : this.#levels.get(subject)) ?? this.#globalLevel;
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void> {
    if (subject === undefined) this.#globalLevel = level;
    else this.#levels.set(subject, level);
  }
}

function typeOf(schema: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
}

function canonicalOf(schema: string): string {
  return typeOf(schema).fingerprint('sha256').toString('hex');
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function notFound(message: string): KafkaBusError {
  return new KafkaBusError(message, { type: 'InvalidConfiguration' });
}
