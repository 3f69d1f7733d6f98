// placeholder: replaced at merge (the SCENARIOS part writes the real one)
/**
 * The scenario's JSON Schema (placeholder).
 * @module
 */

/**
 * The JSON Schema (placeholder).
 * @example
 * ```ts
 * scenarioSchema.type; // 'object'
 * ```
 */
export const scenarioSchema: {
  readonly $schema: string;
  readonly type: 'object';
  readonly required: readonly string[];
} = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['tasks'],
};
