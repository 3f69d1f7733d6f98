/**
 * The backend contract and seeded task events, for backends and drivers outside this repository.
 *
 * `schedacct/testing`: what authors of backends and drivers outside this repository test against: the backend
 * contract every clock/stolen-time source passes, seeded random task events, and the event generators and transition
 * keys the package's own model-based tests use. Runtime-neutral, framework-neutral (checks throw).
 * @module schedacct/testing
 */
export { sourceContract } from './testing/contract.js';
export { randomTaskEvents } from './testing/random-events.js';
export { nextReading, READING_VARIANTS, taskEventsFrom, transitionKey, transitionKeys } from './machines/testing.js';
export { SchedacctError } from './errors.js';

export type { ContractCheck, ContractOptions } from './testing/contract.js';
export type { RandomEventsOptions } from './testing/random-events.js';
export type { ReadingVariant, TransitionRef, TransitionSource } from './machines/testing.js';
