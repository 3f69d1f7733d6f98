/**
 * The protocol's JSON Schema (draft 2020-12), generated from the message types (src/protocol/types.ts) by
 * `npm run schema` and shipped as `schema/protocol.schema.json`; `schedacct serve --schema` prints it. Runtime-neutral.
 * @module
 */
import type { JsonSchema } from '../sim/schema.js';
import { PROTOCOL_SCHEMA_JSON } from './schema-data.js';

/**
 * The JSON Schema of every protocol message: `$defs` holds one entry per request and reply type (`TaskEventRequest`,
 * `TaskEventReply`, …), `Request` and `Reply` any one message, `RequestLine` and `ReplyLine` a whole line in and out
 * (a message, or a batch's array). A fresh copy each call.
 * @returns the schema, as plain JSON
 * @example
 * ```ts
 * const schema = protocolSchema();
 * console.log(schema.$schema); // https://json-schema.org/draft/2020-12/schema
 * console.log('TaskEventRequest' in (schema.$defs as object)); // true
 * ```
 */
export function protocolSchema(): JsonSchema {
  return JSON.parse(PROTOCOL_SCHEMA_JSON) as JsonSchema;
}
