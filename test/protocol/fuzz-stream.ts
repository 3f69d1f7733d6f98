// A seeded stream of protocol lines: a valid model-mode session (hello, model.open, vCPU states, task lifecycles,
// readings, reads, snapshots taken and restored, batches) with bad lines mixed in, each bad line knowing what its reply
// must be. The same seed and length give the same stream.
import { MAX_LINE_BYTES, type ErrorCode } from '../../src/protocol/types.js';
import { below, chance, pick, rngOf, type Rng } from '../fuzz/draft.js';
import {
  deep,
  duplicateKey,
  longLine,
  notRequest,
  nul,
  orderCodes,
  outOfOrder,
  proto,
  truncated,
  utf8,
} from './fuzz-bad.js';
import { damage } from './fuzz-damage.js';
import { write, type Item, type SnapshotRef } from './fuzz-items.js';
import { apply, broken, cloneShadow, newShadow, type Req, type Shadow } from './fuzz-model.js';
import { helloRequest, Ids, nextNow, openRequest, stepOpenRequest, validRequest } from './fuzz-valid.js';

/** Bad-line categories and their weights. */
export const BAD_CATEGORIES: Readonly<Record<string, number>> = {
  truncated: 10,
  'wrong-type': 14,
  missing: 10,
  huge: 10,
  nul: 5,
  utf8: 5,
  'long-line': 0.6,
  deep: 1,
  order: 20,
  'dup-key': 4,
  proto: 4,
  batch: 8,
  'not-request': 5,
  snapshot: 2,
};

/** Options of {@link buildStream}. */
export interface StreamOptions {
  /** Share of bad lines (default 0.4). */
  readonly badShare?: number;
  /** Scale the long-line and deep weights (default 1; 0: none, e.g. for a quick run). */
  readonly heavy?: number;
}

const okId = (r: Req): string | number | null => r.id ?? null;

class Builder {
  readonly items: Item[] = [];
  readonly ids: Ids = new Ids();
  s: Shadow = newShadow();
  /** Snapshot points: the stream index of the snapshot.get, the shadow after it, its time. */
  readonly points: { index: number; shadow: Shadow; now: string }[] = [];
  constructor(readonly rng: Rng) {}

  valid(r: Req, category = r.method): number {
    const faults = broken(this.s, r);
    if (faults.length > 0) throw new Error(`fuzz generator bug: ${JSON.stringify(r)} breaks ${faults.join(', ')}`);
    apply(this.s, r);
    const text = write(r);
    const form = variant(this.rng, r, text);
    this.items.push({
      valid: true,
      category: form === text ? category : `${category} (variant)`,
      payload: { text: form },
      ...(form === text ? {} : { canonical: text }),
      id: okId(r),
    });
    return this.items.length;
  }

  bad(item: Item): number {
    return this.items.push(item);
  }

  batch(bad: boolean): number {
    const size = chance(this.rng, 0.03) ? 1000 : 2 + below(this.rng, 40);
    const local = cloneShadow(this.s);
    const badAt = bad ? below(this.rng, size) : -1;
    const elements: unknown[] = [];
    let codes: readonly ErrorCode[] | undefined;
    let damaged: string | undefined;
    for (let i = 0; i < size; i++) {
      const r = validRequest(this.rng, local, this.ids);
      if (i !== badAt) {
        apply(local, r);
        elements.push(r);
        continue;
      }
      const d = chance(this.rng, 0.2)
        ? undefined
        : damage(this.rng, local, r, pick(this.rng, ['wrong-type', 'huge', 'missing'] as const));
      elements.push(d?.value ?? pick(this.rng, [5, null, 'x', [], [r]]));
      codes = d?.codes ?? ['invalid-request'];
      damaged = d === undefined ? undefined : `[${String(i)}].${d.path}`;
    }
    const ids = elements.map((e) =>
      typeof e === 'object' && e !== null && 'id' in e ? ((e as Req).id ?? null) : null,
    );
    const text = write(elements);
    if (!bad) {
      this.s = local;
      return this.items.push({ valid: true, category: 'batch', payload: { text }, id: null, batch: { ids } });
    }
    const batchIds = ids.map((id, i) => (i === badAt && typeof id !== 'string' && typeof id !== 'number' ? null : id));
    // without the feature the whole line is refused, whatever its elements
    if (!this.s.features.includes('batch')) [codes, damaged] = [['wrong-mode'], undefined];
    return this.bad({
      valid: false,
      category: 'batch',
      payload: { text },
      id: null,
      batch: { ids: batchIds, bad: badAt, whole: !this.s.features.includes('batch') },
      ...(codes === undefined ? {} : { codes }),
      ...(damaged === undefined ? {} : { damaged }),
    });
  }
}

/**
 * The text a variant of a valid request is sent as: white space between tokens, keys in another order, a duplicate
 * key whose first value is bad (the last wins), escapes in strings, or white space up to exactly the line limit.
 * @param rng - the stream
 * @param r - the request
 * @param text - its canonical text
 * @returns the text to send (the canonical one 90% of the time)
 */
function variant(rng: Rng, r: Req, text: string): string {
  if (!chance(rng, 0.1)) return text;
  switch (below(rng, 6)) {
    case 0:
      return ` ${JSON.stringify(r, null, '\t').replace(/\n/g, ' ')}\t\r`;
    case 1: {
      const reverse = (v: unknown): unknown =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverse(x)]),
            )
          : v;
      return JSON.stringify(reverse(r));
    }
    case 2:
      return `{"now":"-1","method":"nope",${text.slice(1)}`;
    case 3:
      return text
        .replace(/"method":"([a-z]+)\.([a-z]+)"/, '"method":"$1\\u002e$2"')
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    case 4:
      return chance(rng, 0.05)
        ? `${text.slice(0, -1)}${' '.repeat(MAX_LINE_BYTES - new TextEncoder().encode(text).length)}}`
        : text;
    default:
      return `${text.slice(0, -1)}  }`;
  }
}

function badLine(b: Builder, category: string): number {
  const { rng, s, ids } = b;
  if (category === 'batch') return b.batch(true);
  if (category === 'not-request') return b.bad(notRequest(rng));
  if (category === 'snapshot') return snapshotSet(b, true);
  if (category === 'order') {
    const r = outOfOrder(rng, s, ids);
    const codes = r === undefined ? [] : orderCodes(s, r);
    if (r === undefined || codes.length === 0) return b.valid(validRequest(rng, s, ids));
    return b.bad({ valid: false, category: 'order', payload: { text: write(r) }, id: okId(r), codes });
  }
  return damagedLine(b, validRequest(rng, cloneShadow(s), ids), category);
}

function damagedLine(b: Builder, r: Req, category: string): number {
  const { rng, s } = b;
  const text = write(r);
  if (category === 'truncated') return b.bad(truncated(rng, text));
  if (category === 'nul') return b.bad(nul(rng, text));
  if (category === 'utf8') return b.bad(utf8(rng, r, text));
  if (category === 'long-line') return b.bad(longLine(rng, r, text, s.phase === 'step'));
  if (category === 'deep') {
    const item = deep(rng, r);
    const whole = item.batch !== undefined && !s.features.includes('batch');
    return b.bad(whole ? { ...item, batch: { ids: [null], whole }, codes: ['wrong-mode'] } : item);
  }
  if (category === 'dup-key') return b.bad(duplicateKey(rng, r, text));
  if (category === 'proto') return b.bad(proto(rng, r));
  const d = damage(rng, s, r, category as 'wrong-type' | 'huge' | 'missing');
  if (d === undefined) return b.valid(r);
  const v = d.value as Req;
  const id = typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null;
  return b.bad({
    valid: false,
    category,
    payload: { text: write(d.value) },
    id,
    ...(d.codes === undefined ? {} : { codes: d.codes }),
    damaged: d.path,
  });
}

function snapshotSet(b: Builder, corrupt: boolean): number {
  // mostly one of the last few points: a rollback to the start would undo the whole session's work
  const point = b.points.length === 0 ? undefined : pick(b.rng, b.points.slice(chance(b.rng, 0.8) ? -3 : 0));
  if (point === undefined) return b.valid(validRequest(b.rng, b.s, b.ids));
  const id = b.ids.next(b.rng);
  const ref: SnapshotRef = {
    snapshotFrom: point.index,
    id,
    now: corrupt ? String(nextNow(b.rng, b.s)) : point.now,
    ...(corrupt ? { corrupt: pick(b.rng, ['format', 'not-object', 'missing', 'now'] as const) } : {}),
  };
  const canSet = b.s.features.includes('snapshot');
  if (corrupt || !canSet) {
    return b.bad({
      valid: false,
      category: 'snapshot',
      payload: ref,
      id: id ?? null,
      ...(canSet ? { codes: ['invalid-params'] } : {}),
    });
  }
  b.s = cloneShadow(point.shadow);
  return b.items.push({ valid: true, category: 'snapshot.set', payload: ref, id: id ?? null });
}

function prelude(b: Builder, stepMode: boolean): void {
  const { rng, ids } = b;
  for (let i = below(rng, 3); i > 0; i--) {
    const r: Req = { now: '0', method: 'ledger.get', id: `pre-${String(i)}` };
    if (chance(rng, 0.5))
      b.bad({ valid: false, category: 'order', payload: { text: write(r) }, id: r.id ?? null, codes: ['no-hello'] });
    else damagedLine(b, helloRequest(rng, 0, ids), pick(rng, ['wrong-type', 'missing', 'truncated']));
  }
  const hello = helloRequest(rng, 0, ids);
  // step mode needs its feature: such a session asks for every one
  if (stepMode) delete hello.params?.features;
  b.valid(hello);
  if (chance(rng, 0.5)) {
    const r: Req = { id: 'early', now: '0', method: 'task.event', params: { task: 1, type: 'create', vcpu: 0 } };
    b.bad({ valid: false, category: 'order', payload: { text: write(r) }, id: 'early', codes: ['not-open'] });
  }
  if (chance(rng, 0.5)) {
    damagedLine(b, openRequest(rng, 0, ids), pick(rng, ['wrong-type', 'missing'] as const));
  }
  const nowNs = nextNow(rng, b.s);
  b.valid(stepMode ? stepOpenRequest(rng, nowNs, ids) : openRequest(rng, nowNs, ids));
}

function pickCategory(rng: Rng, heavy: number): string {
  const entries = Object.entries(BAD_CATEGORIES).map(
    ([k, w]) => [k, k === 'long-line' || k === 'deep' ? w * heavy : w] as const,
  );
  let x = rng() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return 'order';
}

/**
 * The stream of one seed.
 * @param seed - the seed
 * @param lines - how many lines (at least 8; the last two are ledger.get and anomalies.get)
 * @param options - see {@link StreamOptions}
 * @returns the items
 */
export function buildStream(seed: number, lines: number, options: StreamOptions = {}): Item[] {
  const b = new Builder(rngOf(seed));
  const { rng } = b;
  // one seed in eight is a step-mode session (the guest simulated, the host stepping it and setting vCPU states)
  prelude(b, seed % 8 === 0);
  while (b.items.length < lines - 2) {
    if (chance(rng, options.badShare ?? 0.4)) {
      badLine(b, pickCategory(rng, options.heavy ?? 1));
      continue;
    }
    const r = rng();
    const { s } = b;
    if (r < 0.03 && s.features.includes('snapshot')) {
      const at = s.phase === 'step' ? s.nowNs : nextNow(rng, s);
      const get: Req = { id: `snap-${String(b.items.length)}`, now: String(at), method: 'snapshot.get' };
      b.valid(get);
      b.points.push({ index: b.items.length - 1, shadow: cloneShadow(b.s), now: get.now });
    } else if (r < 0.05) snapshotSet(b, false);
    else if (r < 0.12 && s.features.includes('batch')) b.batch(false);
    else b.valid(validRequest(rng, s, b.ids));
  }
  b.valid({ id: 'final-ledger', now: String(b.s.nowNs), method: 'ledger.get' });
  b.valid({ id: 'final-anomalies', now: String(b.s.nowNs), method: 'anomalies.get' });
  return b.items;
}
