/**
 * The TypeScript type of the values of an Avro schema written as a literal (`as const`, or
 * passed straight to {@link defineTopic}, whose type parameter is `const`). How each Avro type
 * maps:
 *
 * | Avro | TypeScript |
 * |---|---|
 * | `null` | `null` |
 * | `boolean` | `boolean` |
 * | `int`, `long`, `float`, `double` | `number` (a `long` beyond ±2^53 loses precision) |
 * | `string` | `string` |
 * | `bytes`, `fixed` | `Buffer` |
 * | `record` | one required property per field (defaults too: decoded values have them) |
 * | `enum` | the union of its symbols (`'NEW' \| 'PAID'`) |
 * | `array` | `T[]` of its items |
 * | `map` | `Record<string, T>` of its values |
 * | union `['null', T]` | `T \| null` (any union: the union of its branches) |
 * | a nested named type, defined inline | its own mapping |
 * | a reference by name to a type defined elsewhere in the schema | `unknown` |
 *
 * Logical types keep the type of what is on the wire, since the bus registers no avsc logical
 * type implementations: `timestamp-millis` / `timestamp-micros` / `time-*` / `date` are
 * `number` (epoch milliseconds, microseconds, days…), `uuid` is `string`, `decimal` is `Buffer`
 * (the two's-complement unscaled value). This keeps values identical to what any other
 * Confluent client writes and reads, with no silent `Date` conversion.
 *
 * @example
 * const schema = { type: 'record', name: 'Order', fields: [
 *   { name: 'id', type: 'string' },
 *   { name: 'note', type: ['null', 'string'], default: null },
 * ] } as const;
 * type Order = AvroValue<typeof schema>; // { id: string; note: string | null }
 */
export type AvroValue<S> = ValueOf<S, []>;

/** The mapping, with a depth count so that a recursive or unresolved schema type stops. */
type ValueOf<S, D extends unknown[]> = D['length'] extends MAX_DEPTH
  ? unknown
  : unknown extends S
    ? unknown
    : S extends string
      ? PrimitiveValue<S>
      : S extends readonly unknown[]
        ? ValueOf<S[number], [...D, 0]>
        : S extends { readonly type: 'record' | 'error'; readonly fields: infer F }
          ? F extends readonly unknown[]
            ? RecordValue<F, [...D, 0]>
            : never
          : S extends { readonly type: 'enum'; readonly symbols: readonly (infer E)[] }
            ? E
            : S extends { readonly type: 'array'; readonly items: infer I }
              ? ValueOf<I, [...D, 0]>[]
              : S extends { readonly type: 'map'; readonly values: infer V }
                ? Record<string, ValueOf<V, [...D, 0]>>
                : S extends { readonly type: 'fixed' }
                  ? Buffer
                  : S extends { readonly type: infer T }
                    ? ValueOf<T, [...D, 0]>
                    : unknown;

type MAX_DEPTH = 12;

type PrimitiveValue<S extends string> = S extends 'null'
  ? null
  : S extends 'boolean'
    ? boolean
    : S extends 'int' | 'long' | 'float' | 'double'
      ? number
      : S extends 'string'
        ? string
        : S extends 'bytes'
          ? Buffer
          : unknown;

type RecordValue<F extends readonly unknown[], D extends unknown[]> = {
  -readonly [
    Field in F[number] as Field extends { readonly name: infer N extends string } ? N : never
  ]: Field extends { readonly type: infer T } ? ValueOf<T, D> : never;
};
