import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = new URL('../scripts/services.sh', import.meta.url).pathname;

/** Where the demo finds Kafka and the Schema Registry, and whether it started them. */
export interface Services {
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly startedLocally: boolean;
}

/**
 * Uses `KAFKA_BROKERS` and `SCHEMA_REGISTRY_URL` when both are set; otherwise starts (or
 * reuses) the local services of `scripts/services.sh`.
 */
export async function localServices(say: (line: string) => void): Promise<Services> {
  const brokers = process.env.KAFKA_BROKERS;
  const registryUrl = process.env.SCHEMA_REGISTRY_URL;
  if (brokers && registryUrl) {
    return { brokers: brokers.split(','), registryUrl, startedLocally: false };
  }

  const running = await run('bash', [SCRIPT, 'status']).then(
    () => true,
    () => false,
  );
  if (!running) {
    say('starting local Kafka and Schema Registry (the first run downloads them with Maven)…');
    try {
      await run('bash', [SCRIPT, 'start'], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`could not start the local services:\n${stdout}${stderr}`);
    }
  }
  const kafkaPort = process.env.KAFKA_PORT ?? '9092';
  const registryPort = process.env.SCHEMA_REGISTRY_PORT ?? '8081';
  return {
    brokers: [`127.0.0.1:${kafkaPort}`],
    registryUrl: `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
    startedLocally: !running,
  };
}
