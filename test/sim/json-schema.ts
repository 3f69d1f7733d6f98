// A small JSON Schema (draft 2020-12) checker for the keywords the scenario schema uses, and nothing else: a keyword
// it does not know throws, so the schema cannot grow a rule this checker would silently pass.
import { canonicalJson } from '../../src/sim/experiment.js';
import type { JsonSchema } from '../../src/sim/schema.js';

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', '$defs']);

type Check = (schema: JsonSchema, value: unknown, at: string, root: JsonSchema) => string[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`type ${type} not supported`);
  }
}

const num = (v: unknown): v is number => typeof v === 'number';

const KEYWORDS: Record<string, Check> = {
  $ref: (s, v, at, root) => {
    const name = String(s.$ref).replace('#/$defs/', '');
    const target = (root.$defs as Record<string, JsonSchema>)[name];
    if (target === undefined) throw new Error(`no $defs/${name}`);
    return validate(target, v, at, root);
  },
  type: (s, v, at) =>
    (Array.isArray(s.type) ? (s.type as string[]) : [String(s.type)]).some((t) => typeOk(t, v))
      ? []
      : [`${at}: not ${JSON.stringify(s.type)}`],
  not: (s, v, at, root) => (validate(s.not as JsonSchema, v, at, root).length === 0 ? [`${at}: matches not`] : []),
  enum: (s, v, at) => ((s.enum as unknown[]).includes(v) ? [] : [`${at}: not in enum`]),
  const: (s, v, at) => (s.const === v ? [] : [`${at}: not ${JSON.stringify(s.const)}`]),
  minimum: (s, v, at) => (num(v) && v < (s.minimum as number) ? [`${at}: below minimum`] : []),
  maximum: (s, v, at) => (num(v) && v > (s.maximum as number) ? [`${at}: above maximum`] : []),
  exclusiveMinimum: (s, v, at) => (num(v) && v <= (s.exclusiveMinimum as number) ? [`${at}: ≤ exclusiveMinimum`] : []),
  exclusiveMaximum: (s, v, at) => (num(v) && v >= (s.exclusiveMaximum as number) ? [`${at}: ≥ exclusiveMaximum`] : []),
  minLength: (s, v, at) =>
    typeof v === 'string' && Array.from(v).length < (s.minLength as number) ? [`${at}: short`] : [],
  pattern: (s, v, at) =>
    typeof v === 'string' && !new RegExp(String(s.pattern), 'u').test(v) ? [`${at}: pattern ${String(s.pattern)}`] : [],
  minItems: (s, v, at) => (Array.isArray(v) && v.length < (s.minItems as number) ? [`${at}: too few items`] : []),
  uniqueItems: (s, v, at) =>
    s.uniqueItems === true && Array.isArray(v) && new Set(v.map((x) => canonicalJson(x))).size !== v.length
      ? [`${at}: items repeat`]
      : [],
  items: (s, v, at, root) =>
    Array.isArray(v) ? v.flatMap((item, i) => validate(s.items as JsonSchema, item, `${at}[${String(i)}]`, root)) : [],
  required: (s, v, at) =>
    isObject(v) ? (s.required as string[]).filter((k) => !(k in v)).map((k) => `${at}.${k}: required`) : [],
  properties: (s, v, at, root) => {
    if (!isObject(v)) return [];
    const properties = s.properties as Record<string, JsonSchema>;
    return Object.entries(properties).flatMap(([k, p]) => (k in v ? validate(p, v[k], `${at}.${k}`, root) : []));
  },
  additionalProperties: (s, v, at, root) => {
    if (!isObject(v)) return [];
    const known = Object.keys((s.properties as object | undefined) ?? {});
    const extra = Object.keys(v).filter((k) => !known.includes(k));
    if (s.additionalProperties === false) return extra.map((k) => `${at}.${k}: not allowed`);
    return extra.flatMap((k) => validate(s.additionalProperties as JsonSchema, v[k], `${at}.${k}`, root));
  },
  propertyNames: (s, v, at, root) =>
    isObject(v) ? Object.keys(v).flatMap((k) => validate(s.propertyNames as JsonSchema, k, `${at}{${k}}`, root)) : [],
  oneOf: (s, v, at, root) => {
    const passing = (s.oneOf as JsonSchema[]).filter((b) => validate(b, v, at, root).length === 0).length;
    return passing === 1 ? [] : [`${at}: ${String(passing)} of oneOf match`];
  },
  anyOf: (s, v, at, root) =>
    (s.anyOf as JsonSchema[]).some((b) => validate(b, v, at, root).length === 0) ? [] : [`${at}: no anyOf matches`],
};

/**
 * Validates a value against a schema.
 * @returns the problems, empty when it is valid
 */
export function validate(schema: JsonSchema, value: unknown, at = '$', root: JsonSchema = schema): string[] {
  const out: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const check = KEYWORDS[keyword];
    if (check === undefined) throw new Error(`keyword ${keyword} is not supported by this checker`);
    out.push(...check(schema, value, at, root));
  }
  return out;
}
