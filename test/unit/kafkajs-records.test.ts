import type { IHeaders, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { toFetchedRecords } from '../../src/driver/kafkajs/kafkajs-consumer.js';

function fetched(headers: IHeaders | undefined, offset = '0'): KafkaMessage {
  return {
    offset,
    key: null,
    value: Buffer.from('v'),
    timestamp: '1700000000000',
    attributes: 0,
    size: 0,
    headers,
  } as KafkaMessage;
}

describe('toFetchedRecords - kafkajs records as the driver hands them over', () => {
  it('hands records with one Buffer per header name over as they are', () => {
    const messages = [fetched({ a: Buffer.from('1') }), fetched({}, '1')];
    const records = toFetchedRecords(messages);
    expect(records).toBe(messages);
    expect(records[0]?.headers.a?.toString()).toBe('1');
  });

  it('keeps the last value of a repeated name and leaves headers without a value out', () => {
    const messages = [
      fetched({ a: Buffer.from('1') }),
      fetched(
        {
          tag: [Buffer.from('first'), Buffer.from('last')],
          empty: null as unknown as Buffer,
          id: Buffer.from('x'),
        },
        '1',
      ),
    ];
    const records = toFetchedRecords(messages);
    expect(records).not.toBe(messages);
    expect(records.map((r) => r.offset)).toEqual(['0', '1']);
    expect(records[0]?.headers).toEqual({ a: Buffer.from('1') });
    expect(records[1]?.headers).toEqual({ tag: Buffer.from('last'), id: Buffer.from('x') });
  });

  it('gives records without headers an empty set', () => {
    const [record] = toFetchedRecords([fetched(undefined)]);
    expect(record?.headers).toEqual({});
    expect(record?.value?.toString()).toBe('v');
  });
});
