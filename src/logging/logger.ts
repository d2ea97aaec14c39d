/** Structured fields that accompany a log message. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger the bus writes to: pino-shaped, so a pino or bunyan instance can be passed as is.
 * Messages are constant strings; what varies goes into the fields object. Per-record events are
 * logged at `debug` only.
 */
export interface Logger {
  /** Something failed and a person should look. */
  error(fields: LogFields, message: string): void;
  /** Something is off but the bus carries on. */
  warn(fields: LogFields, message: string): void;
  /** Lifecycle: connected, joined, closed. */
  info(fields: LogFields, message: string): void;
  /** Detail for troubleshooting, including per-record events. */
  debug(fields: LogFields, message: string): void;
  /** A logger whose entries carry the given fields, such as `{ component: 'consumer' }`. */
  child(fields: LogFields): Logger;
}

const noop = (): void => undefined;

/** The default logger: writes nothing. */
export const silentLogger: Logger = {
  error: noop,
  warn: noop,
  info: noop,
  debug: noop,
  child: () => silentLogger,
};
