/**
 * Model mode's ledger: the library's {@link Ledger}, which also keeps, for the protocol, every anomaly of the request
 * in progress (for its reply) and its own counts and details, so a snapshot can carry them and give them back.
 * Runtime-neutral.
 * @module
 * @internal
 */
import { ANOMALY_KINDS, type Anomaly, type AnomalyKind } from '../accounting/anomaly.js';
import { DEFAULT_ANOMALY_DETAILS, Ledger } from '../accounting/ledger.js';

/**
 * A {@link Ledger} that hands the anomalies of each request to the session and can be loaded with a snapshot's.
 * @internal
 */
export class ProtocolLedger extends Ledger {
  // The first DEFAULT_ANOMALY_DETAILS anomalies, and every one counted by kind.
  #details: Anomaly[] = [];
  #counts: Map<AnomalyKind, number> = new Map();
  /** Anomalies recorded since the session last took them (every one, however many were kept in detail). */
  readonly pending: Anomaly[] = [];
  // The kinds recorded since the last mark (a transaction's start), for its rollback.
  readonly #since: AnomalyKind[] = [];

  /** A ledger that keeps no details of its own: this class keeps them. */
  constructor() {
    super({ maxAnomalyDetails: 0 });
  }

  /**
   * Records an anomaly (counted, kept in detail up to the limit, and pending for the reply).
   * @param anomaly - what happened
   */
  override recordAnomaly(anomaly: Anomaly): void {
    super.recordAnomaly(anomaly);
    this.#counts.set(anomaly.kind, (this.#counts.get(anomaly.kind) ?? 0) + 1);
    if (this.#details.length < DEFAULT_ANOMALY_DETAILS) this.#details.push(anomaly);
    this.pending.push(anomaly);
    this.#since.push(anomaly.kind);
  }

  /** Marks a transaction's start: {@link ProtocolLedger.countsAtMark} gives the counts as they are now. */
  mark(): void {
    this.#since.length = 0;
    this.pending.length = 0;
  }

  /** How many anomalies were recorded since the last {@link ProtocolLedger.mark}. */
  get sinceMark(): number {
    return this.#since.length;
  }

  /** @returns the counts per kind as they were at the last {@link ProtocolLedger.mark} */
  countsAtMark(): Record<AnomalyKind, number> {
    const counts = this.anomalyCounts();
    for (const kind of this.#since) counts[kind]--;
    return counts;
  }

  /**
   * @param kind - count only this kind (default: all)
   * @returns how many were recorded
   */
  override anomalyCount(kind?: AnomalyKind): number {
    if (kind !== undefined) return this.#counts.get(kind) ?? 0;
    let n = 0;
    for (const count of this.#counts.values()) n += count;
    return n;
  }

  /** @returns counts per kind, every kind listed */
  override anomalyCounts(): Record<AnomalyKind, number> {
    const counts = {} as Record<AnomalyKind, number>;
    for (const kind of ANOMALY_KINDS) counts[kind] = this.#counts.get(kind) ?? 0;
    return counts;
  }

  /** @returns the anomalies kept in detail, oldest first */
  override anomalies(): readonly Anomaly[] {
    return this.#details;
  }

  /**
   * Sets the anomalies to a snapshot's (its details and counts, as this class gave them).
   * @param details - the details, oldest first
   * @param counts - counts per kind
   */
  loadAnomalies(details: readonly Anomaly[], counts: Readonly<Partial<Record<AnomalyKind, number>>>): void {
    this.#details = details.slice(0, DEFAULT_ANOMALY_DETAILS);
    this.#counts = new Map();
    for (const kind of ANOMALY_KINDS) {
      const n = counts[kind] ?? 0;
      if (n > 0) this.#counts.set(kind, n);
    }
  }
}
