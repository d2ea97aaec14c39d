import { randomBytes } from 'node:crypto';

/** Random bytes of a prefix: 96 bits, so two prefixes practically never collide. */
const PREFIX_BYTES = 12;

/**
 * Makes message ids that are unique without a random draw per message: a random prefix drawn
 * once per source (16 characters of base64url) and a counter, as in `Xq3v...9a-1z`. Each id
 * is 18 to 30 ASCII characters.
 *
 * @example
 * const nextId = messageIdSource();
 * nextId(); // 'hN3kq0xWm2Yp8sLd-0'
 */
export function messageIdSource(): () => string {
  const prefix = `${randomBytes(PREFIX_BYTES).toString('base64url')}-`;
  let counter = 0;
  return () => prefix + (counter++).toString(36);
}
