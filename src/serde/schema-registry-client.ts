import pRetry from 'p-retry';

import { KafkaBusError } from '../errors/kafka-bus-error.js';
import type { KafkaErrorType } from '../errors/kafka-error-type.js';
import type { CompatibilityLevel, RegisteredSchema, SchemaRegistry } from './schema-registry.js';

/** How to reach a Confluent-compatible Schema Registry. */
export interface SchemaRegistryOptions {
  /** Base URL, for example `http://127.0.0.1:8081` or an Apicurio `.../apis/ccompat/v7`. */
  readonly url: string;
  /** HTTP basic authentication. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Time one HTTP request may take, in ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Retries of a transient failure (network error, timeout, 5xx). Default 3. */
  readonly retries?: number;
  /** First delay between retries, in ms; later ones grow. Default 200. */
  readonly retryDelayMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 200;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** Confluent error codes for "subject not found" and "schema not found". */
const NOT_FOUND_CODES = new Set([40401, 40403]);

interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A client of the Confluent Schema Registry REST API, with basic auth, per-request timeouts
 * and retries with backoff on transient failures. It does no caching; the serializer manager
 * caches what it learns.
 *
 * @example
 * const registry = new SchemaRegistryClient({ url: 'http://127.0.0.1:8081' });
 * const id = await registry.register('orders-value', JSON.stringify(orderSchema));
 */
export class SchemaRegistryClient implements SchemaRegistry {
  readonly #base: string;
  readonly #authorization?: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;

  constructor(options: SchemaRegistryOptions) {
    if (!/^https?:\/\/[^/]/.test(options.url ?? '')) {
      throw new KafkaBusError(`schemaRegistry.url must be an http(s) URL, got "${options.url}"`, {
        type: 'InvalidConfiguration',
        field: 'schemaRegistry.url',
      });
    }
    this.#base = options.url.replace(/\/+$/, '');
    if (options.auth) {
      const token = Buffer.from(`${options.auth.username}:${options.auth.password}`);
      this.#authorization = `Basic ${token.toString('base64')}`;
    }
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  /** The base URL this client talks to. */
  get url(): string {
    return this.#base;
  }

  async register(subject: string, schema: string): Promise<number> {
    const body = await this.#call('POST', `/subjects/${enc(subject)}/versions`, { schema });
    return field<number>(body, 'id');
  }

  async lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined> {
    const answer = await this.#send('POST', `/subjects/${enc(subject)}`, { schema }, true);
    return answer ? toRegistered(answer, subject) : undefined;
  }

  async getSchemaById(id: number): Promise<string> {
    return field<string>(await this.#call('GET', `/schemas/ids/${id}`), 'schema');
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    return toRegistered(await this.#call('GET', `/subjects/${enc(subject)}/versions/latest`));
  }

  async getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    const path = `/subjects/${enc(subject)}/versions/${version}`;
    return toRegistered(await this.#call('GET', path));
  }

  async listVersions(subject: string): Promise<number[]> {
    const body = await this.#send('GET', `/subjects/${enc(subject)}/versions`, undefined, true);
    return Array.isArray(body) ? body.map(Number).sort((a, b) => a - b) : [];
  }

  async listSubjects(): Promise<string[]> {
    const body = await this.#call('GET', '/subjects');
    return Array.isArray(body) ? body.map(String) : [];
  }

  async testCompatibility(subject: string, schema: string): Promise<boolean> {
    const path = `/compatibility/subjects/${enc(subject)}/versions/latest`;
    const body = await this.#send('POST', path, { schema }, true);
    // A subject with no versions yet accepts any schema.
    return body === undefined ? true : field<boolean>(body, 'is_compatible');
  }

  async getCompatibility(subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const body = (await this.#send('GET', path, undefined, true)) ?? {};
    const level =
      (body as Record<string, unknown>).compatibilityLevel ??
      (body as Record<string, unknown>).compatibility;
    if (typeof level === 'string') return level as CompatibilityLevel;
    return subject === undefined ? 'BACKWARD' : this.getCompatibility();
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    await this.#call('PUT', path, { compatibility: level });
  }

  async #call(method: string, path: string, payload?: unknown): Promise<unknown> {
    return this.#send(method, path, payload, false);
  }

  /** Sends with retries; with `allowNotFound`, a Confluent "not found" answer is `undefined`. */
  async #send(
    method: string,
    path: string,
    payload: unknown,
    allowNotFound: boolean,
  ): Promise<unknown> {
    const answer = await pRetry(() => this.#once(method, path, payload), {
      retries: this.#retries,
      minTimeout: this.#retryDelayMs,
      factor: 2,
      shouldRetry: ({ error }) => error instanceof KafkaBusError && error.retriable,
    });
    if (answer.status < 300) return answer.body;
    const code = (answer.body as { error_code?: unknown } | null)?.error_code;
    if (allowNotFound && answer.status === 404) {
      if (typeof code !== 'number' || NOT_FOUND_CODES.has(code)) return undefined;
    }
    throw this.#httpError(method, path, answer);
  }

  async #once(method: string, path: string, payload: unknown): Promise<RegistryAnswer> {
    const headers: Record<string, string> = { Accept: CONTENT_TYPE };
    if (payload !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.#authorization) headers.Authorization = this.#authorization;

    let response: Response;
    try {
      response = await fetch(this.#base + path, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw this.#networkError(method, path, error);
    }

    const text = await response.text();
    const body = text.length > 0 ? parseJson(text) : undefined;
    const answer = { status: response.status, body };
    if (response.status >= 500) throw this.#httpError(method, path, answer);
    return answer;
  }

  #networkError(method: string, path: string, error: unknown): KafkaBusError {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    const reason = timedOut ? `no answer within ${this.#timeoutMs} ms` : describeCause(error);
    return new KafkaBusError(
      `Schema Registry at ${this.#base} is unreachable (${method} ${path}): ${reason}`,
      { type: timedOut ? 'NetworkTimeout' : 'BrokerUnavailable', cause: error },
    );
  }

  #httpError(method: string, path: string, answer: RegistryAnswer): KafkaBusError {
    const body = answer.body as { message?: unknown; error_code?: unknown } | undefined;
    const said = typeof body?.message === 'string' ? body.message : JSON.stringify(body ?? '');
    const type = typeForStatus(answer.status);
    return new KafkaBusError(
      `Schema Registry ${method} ${path} answered ${answer.status}: ${said}`,
      { type, retriable: answer.status >= 500 || answer.status === 429 },
    );
  }
}

function typeForStatus(status: number): KafkaErrorType {
  if (status === 409) return 'SchemaIncompatible';
  if (status === 401) return 'AuthenticationFailure';
  if (status === 403) return 'AuthorizationFailure';
  if (status >= 500 || status === 429) return 'BrokerUnavailable';
  return 'InvalidConfiguration';
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function field<T>(body: unknown, name: string): T {
  const value = (body as Record<string, unknown> | null)?.[name];
  if (value === undefined) {
    throw new KafkaBusError(`Schema Registry answer lacks "${name}": ${JSON.stringify(body)}`, {
      type: 'UnrecoverableFailure',
    });
  }
  return value as T;
}

function toRegistered(body: unknown, subject?: string): RegisteredSchema {
  return {
    subject: (body as { subject?: string }).subject ?? subject ?? '',
    version: field<number>(body, 'version'),
    id: field<number>(body, 'id'),
    schema: field<string>(body, 'schema'),
  };
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
