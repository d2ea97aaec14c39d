/**
 * Test helpers of kafka-rx-bus: stand-ins for the outside services, for users' unit tests and
 * marble tests.
 *
 * @packageDocumentation
 */
export { InMemorySchemaRegistry } from './testing/in-memory-schema-registry.js';
