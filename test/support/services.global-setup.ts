import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const SCRIPT = new URL('../../scripts/services.sh', import.meta.url).pathname;
const INTEROP_INSTALL = new URL('../interop/install.sh', import.meta.url).pathname;

/**
 * Gives the integration tests a real broker and registry (and the interop tests their Python
 * client): the ones named by `KAFKA_BROKERS`
 * and `SCHEMA_REGISTRY_URL` when set, otherwise local ones started here and stopped at the
 * end of the run. Never skips: when the services cannot be had, the run fails and says why.
 */
export default async function setup(project: TestProject) {
  const configured = process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL;
  let startedHere = false;
  if (!configured) {
    // `status` exits 0 only when both services are running.
    const alreadyUp = await run('bash', [SCRIPT, 'status']).then(
      () => true,
      () => false,
    );
    if (!alreadyUp) {
      try {
        await run('bash', [SCRIPT, 'start'], { maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(
          `Integration tests need Kafka and a Schema Registry, and starting them failed.\n` +
            `${stdout}\n${stderr}\nSet KAFKA_BROKERS and SCHEMA_REGISTRY_URL to use running ones.`,
        );
      }
      startedHere = true;
    }
  }

  // The interop tests need an independent Confluent client; installing it here keeps
  // `npm test` self-sufficient. A failure is reported by those tests, naming what is missing.
  await run('bash', [INTEROP_INSTALL], { maxBuffer: 16 * 1024 * 1024 }).catch(() => undefined);

  const brokers = process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`;
  const registry =
    process.env.SCHEMA_REGISTRY_URL ??
    `http://127.0.0.1:${process.env.SCHEMA_REGISTRY_PORT ?? 8081}/apis/ccompat/v7`;
  project.provide('kafkaBrokers', brokers);
  project.provide('schemaRegistryUrl', registry);
  project.provide('servicesScript', SCRIPT);

  return async () => {
    if (startedHere) await run('bash', [SCRIPT, 'stop']);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    schemaRegistryUrl: string;
    servicesScript: string;
  }
}
