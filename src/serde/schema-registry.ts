/** A schema stored under a subject. */
export interface RegisteredSchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** The schema text as the registry returns it. */
  readonly schema: string;
}

/** Compatibility levels of the Confluent Schema Registry API. */
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

/**
 * What the serde layer needs from a Schema Registry. {@link SchemaRegistryClient} speaks the
 * Confluent REST API; the testing entry offers an in-memory implementation. Every method rejects
 * with a `KafkaBusError`: `BrokerUnavailable` or `NetworkTimeout` (retriable) when the registry
 * cannot be reached, `SchemaIncompatible` for a schema the subject's compatibility refuses,
 * `AuthenticationFailure` / `AuthorizationFailure`, and `InvalidConfiguration` otherwise, each
 * carrying the registry's own message.
 */
export interface SchemaRegistry {
  /** Registers a schema under a subject (a no-op when present) and resolves with its id. */
  register(subject: string, schema: string): Promise<number>;
  /** Finds an already registered schema under a subject; `undefined` when it is not there. */
  lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined>;
  /** The schema text with the given global id. */
  getSchemaById(id: number): Promise<string>;
  /** The latest version under a subject. */
  getLatest(subject: string): Promise<RegisteredSchema>;
  /** One version under a subject. */
  getVersion(subject: string, version: number): Promise<RegisteredSchema>;
  /** The version numbers under a subject, ascending; empty when the subject does not exist. */
  listVersions(subject: string): Promise<number[]>;
  /** All subjects. */
  listSubjects(): Promise<string[]>;
  /** Whether the schema could be registered under the subject given its compatibility level. */
  testCompatibility(subject: string, schema: string): Promise<boolean>;
  /** The compatibility level of a subject, or the global one when no subject is given. */
  getCompatibility(subject?: string): Promise<CompatibilityLevel>;
  /** Sets the compatibility level of a subject, or the global one when no subject is given. */
  setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void>;
}
