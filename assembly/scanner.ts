// The perf script scanner, compiled to WebAssembly (AssemblyScript): reads the usual lines of `perf script` text
// (sched_switch, sched_waking / wakeup / wakeup_new, sched_stat_runtime, and other systems' events to skip) straight
// from the bytes into fixed-size records, and leaves every other shape to the general parser in JavaScript (a TEXT
// record). It makes the same decisions the general parser would, or defers: src/trace/perf-script.test.ts checks
// both on every fixture line and on generated lines. Strings (comms, states, event names) are interned: a record
// carries ids, and each new string is listed once so JavaScript decodes it once.
//
// Memory, laid out by layout(): [static data | input | records | new strings | intern table | comm caches].
// Nothing is allocated after layout(): the runtime is the stub one, and every access is a load or store.

// Record kinds (same numbers as SCANNED in src/trace/perf-script.ts).
const SWITCH_KIND: i32 = 1;
const WAKING_KIND: i32 = 2;
const WAKEUP_KIND: i32 = 3;
const WAKEUP_NEW_KIND: i32 = 4;
const RUNTIME_KIND: i32 = 5;
const SKIPPED_KIND: i32 = 6;
const TEXT_KIND: i32 = 7;

// A record: 16 × i32. [0] kind, [1] line (1-based, as scan() was told to count), [2] cpu, [3] tid,
// [4] comm id (skipped: the name's id; text: the line's byte offset), [5] prev / target tid (text: its length),
// [6] prev / target comm id, [7] prev state id / target cpu, [8] next tid, [9] next comm id, bytes 48..55 the time in
// ns (f64), bytes 56..63 the runtime in ns (f64).
const RECORD_BYTES: usize = 64;

// The intern table: open addressing, power-of-two slots of [hash u32, len u32, id i32, pad, 48 key bytes].
const INTERN_SLOTS: u32 = 1 << 14;
const INTERN_SLOT_BYTES: usize = 64;
const MAX_STRING: i32 = 48;
// Per-key comm caches (direct-mapped by key): [key i32, id i32].
const CACHE_SLOTS: u32 = 1 << 12;

let inputPtr: usize = 0;
let inputCap: usize = 0;
let recordsPtr: usize = 0;
let recordsCap: i32 = 0;
let stringsPtr: usize = 0; // new strings: [id, offset from inputPtr, length] × i32
let textsPtr: usize = 0; // TEXT records' indexes, i32
let stringsCap: i32 = 0;
let internPtr: usize = 0;
let sampleCachePtr: usize = 0;
let fieldCachePtr: usize = 0;
let stateCachePtr: usize = 0; // 65536 × i32: id + 1 of a one- or two-letter state, by its bytes
// String i's bytes, for cache checks: [ptr to its key bytes in the table, length] × u32.
let stringTablePtr: usize = 0;

let internCount: i32 = 0;
let resetCount: i32 = 0;
// When the table is this full at the start of a scan, it starts afresh (and says so: the reader drops its strings),
// so a trace with many distinct comms keeps being scanned rather than left to the general parser.
const RESET_AT: i32 = 4096;
let recordCount: i32 = 0;
let newStrings: i32 = 0;
let textCount: i32 = 0;
let lineNo: i32 = 0;

/**
 * Lays memory out for an input area of `inputBytes` and `records` records per scan; forgets every string.
 * @returns the input area's address
 */
export function layout(inputBytes: i32, records: i32): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  inputPtr = base;
  inputCap = <usize>inputBytes;
  recordsPtr = (inputPtr + inputCap + 64 + 63) & ~(<usize>63); // 64 spare bytes: 16-byte loads may pass the end
  recordsCap = records;
  stringsPtr = recordsPtr + <usize>records * RECORD_BYTES;
  stringsCap = records * 4;
  textsPtr = stringsPtr + <usize>stringsCap * 12;
  internPtr = textsPtr + <usize>records * 4;
  stringTablePtr = internPtr + <usize>INTERN_SLOTS * INTERN_SLOT_BYTES;
  sampleCachePtr = stringTablePtr + <usize>INTERN_SLOTS * 8;
  fieldCachePtr = sampleCachePtr + <usize>CACHE_SLOTS * 8;
  stateCachePtr = fieldCachePtr + <usize>CACHE_SLOTS * 8;
  const end = stateCachePtr + 65536 * 4;
  const pages = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  if (pages > have) memory.grow(pages - have);
  memory.fill(internPtr, 0, end - internPtr);
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    store<i32>(sampleCachePtr + <usize>i * 8, 0x7fffffff);
    store<i32>(fieldCachePtr + <usize>i * 8, 0x7fffffff);
  }
  internCount = 0;
  return inputPtr;
}

export function recordsAddress(): usize {
  return recordsPtr;
}
export function stringsAddress(): usize {
  return stringsPtr;
}
export function textsAddress(): usize {
  return textsPtr;
}
export function texts(): i32 {
  return textCount;
}
export function records(): i32 {
  return recordCount;
}
export function strings(): i32 {
  return newStrings;
}
export function lines(): i32 {
  return lineNo;
}
/** How many times the string table started afresh (ids count from 0 again after each). */
export function resets(): i32 {
  return resetCount;
}

function resetStrings(): void {
  memory.fill(internPtr, 0, <usize>INTERN_SLOTS * INTERN_SLOT_BYTES);
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    store<i32>(sampleCachePtr + <usize>i * 8, 0x7fffffff);
    store<i32>(fieldCachePtr + <usize>i * 8, 0x7fffffff);
  }
  memory.fill(stateCachePtr, 0, 65536 * 4);
  internCount = 0;
  resetCount++;
}

// "prev_comm="
const PREV_COMM: usize = memory.data<u8>([112, 114, 101, 118, 95, 99, 111, 109, 109, 61]);
const PREV_COMM_LEN: usize = 10;
// " prev_pid="
const PREV_PID: usize = memory.data<u8>([32, 112, 114, 101, 118, 95, 112, 105, 100, 61]);
const PREV_PID_LEN: usize = 10;
// " prev_prio="
const PREV_PRIO: usize = memory.data<u8>([32, 112, 114, 101, 118, 95, 112, 114, 105, 111, 61]);
const PREV_PRIO_LEN: usize = 11;
// " prev_state="
const PREV_STATE: usize = memory.data<u8>([32, 112, 114, 101, 118, 95, 115, 116, 97, 116, 101, 61]);
const PREV_STATE_LEN: usize = 12;
// " ==> "
const ARROW: usize = memory.data<u8>([32, 61, 61, 62, 32]);
const ARROW_LEN: usize = 5;
// "next_comm="
const NEXT_COMM: usize = memory.data<u8>([110, 101, 120, 116, 95, 99, 111, 109, 109, 61]);
const NEXT_COMM_LEN: usize = 10;
// " next_pid="
const NEXT_PID: usize = memory.data<u8>([32, 110, 101, 120, 116, 95, 112, 105, 100, 61]);
const NEXT_PID_LEN: usize = 10;
// " next_prio="
const NEXT_PRIO: usize = memory.data<u8>([32, 110, 101, 120, 116, 95, 112, 114, 105, 111, 61]);
const NEXT_PRIO_LEN: usize = 11;
// "comm="
const COMM: usize = memory.data<u8>([99, 111, 109, 109, 61]);
const COMM_LEN: usize = 5;
// " pid="
const PID: usize = memory.data<u8>([32, 112, 105, 100, 61]);
const PID_LEN: usize = 5;
// " prio="
const PRIO: usize = memory.data<u8>([32, 112, 114, 105, 111, 61]);
const PRIO_LEN: usize = 6;
// " target_cpu="
const TARGET_CPU: usize = memory.data<u8>([32, 116, 97, 114, 103, 101, 116, 95, 99, 112, 117, 61]);
const TARGET_CPU_LEN: usize = 12;
// " runtime="
const RUNTIME: usize = memory.data<u8>([32, 114, 117, 110, 116, 105, 109, 101, 61]);
const RUNTIME_LEN: usize = 9;
// " [ns]"
const NS: usize = memory.data<u8>([32, 91, 110, 115, 93]);
const NS_LEN: usize = 5;
// " vruntime="
const VRUNTIME: usize = memory.data<u8>([32, 118, 114, 117, 110, 116, 105, 109, 101, 61]);
const VRUNTIME_LEN: usize = 10;
// "sched:"
const SCHED: usize = memory.data<u8>([115, 99, 104, 101, 100, 58]);
const SCHED_LEN: usize = 6;
// "sched_switch"
const SWITCH: usize = memory.data<u8>([115, 99, 104, 101, 100, 95, 115, 119, 105, 116, 99, 104]);
const SWITCH_LEN: usize = 12;
// "sched_waking"
const WAKING: usize = memory.data<u8>([115, 99, 104, 101, 100, 95, 119, 97, 107, 105, 110, 103]);
const WAKING_LEN: usize = 12;
// "sched_wakeup"
const WAKEUP: usize = memory.data<u8>([115, 99, 104, 101, 100, 95, 119, 97, 107, 101, 117, 112]);
const WAKEUP_LEN: usize = 12;
// "sched_wakeup_new"
const WAKEUP_NEW: usize = memory.data<u8>([115, 99, 104, 101, 100, 95, 119, 97, 107, 101, 117, 112, 95, 110, 101, 119]);
const WAKEUP_NEW_LEN: usize = 16;
// "sched_stat_runtime"
const STAT_RUNTIME: usize = memory.data<u8>([
  115, 99, 104, 101, 100, 95, 115, 116, 97, 116, 95, 114, 117, 110, 116, 105, 109, 101,
]);
const STAT_RUNTIME_LEN: usize = 18;

function at(p: usize): u32 {
  return <u32>load<u8>(p);
}
function isDigit(c: u32): bool {
  return c - 48 < 10;
}
// `[\w-]`: letters, digits, underscore, dash.
function isWord(c: u32): bool {
  return c - 48 < 10 || (c | 32) - 97 < 26 || c == 95 || c == 45;
}

// The first byte at or after p in [p, end) that is not a space, or end.
function skipSpaces(p: usize, end: usize): usize {
  const sp = i8x16.splat(32);
  while (p + 16 <= end) {
    const m = ~i8x16.bitmask(i8x16.eq(v128.load(p), sp)) & 0xffff;
    if (m != 0) return p + <usize>ctz<u32>(m);
    p += 16;
  }
  while (p < end && load<u8>(p) == 32) p++;
  return p;
}

// The first `] ` at or after p with its space before end, or 0.
function closeBracket(p: usize, end: usize): usize {
  const br = i8x16.splat(93);
  while (p + 16 <= end) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(p), br));
    while (m != 0) {
      const q = p + <usize>ctz<u32>(m);
      if (q + 1 < end && load<u8>(q + 1) == 32) return q;
      m &= m - 1;
    }
    p += 16;
  }
  for (; p + 1 < end; p++) if (load<u8>(p) == 93 && load<u8>(p + 1) == 32) return p;
  return 0;
}

// Eight ASCII digits at p as a number, or −1 when they are not all digits (SWAR: three multiplies, no loop).
function eightDigits(p: usize): i64 {
  const w = load<u64>(p);
  // every byte is '0'..'9': its high nibble is 3, and still 3 after adding 6 (a byte whose + 6 carries into the next
  // has high nibble F and fails on its own, so the carry cannot make another byte pass)
  if (((w & 0xf0f0f0f0f0f0f0f0) | (((w + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) >> 4)) != 0x3333333333333333)
    return -1;
  const v = w - 0x3030303030303030;
  let x = v * 10 + (v >> 8); // pairs
  x =
    ((x & 0x000000ff000000ff) * (100 + (1000000 << 32)) + ((x >> 16) & 0x000000ff000000ff) * (1 + (10000 << 32))) >> 32;
  return <i64>(x & 0xffffffff);
}

// bytes[p, p + len) == lit (the caller checked p + len <= end). Up to 16 bytes, one or two word compares: the words
// may reach past either end (the input area has spare bytes after it, and literals and table keys sit in memory
// with more after them), and the mask or the overlap keeps only the bytes compared.
function equals(p: usize, lit: usize, len: usize): bool {
  if (len <= 8) {
    if (len == 0) return true;
    const mask: u64 = len == 8 ? 0xffffffffffffffff : ((<u64>1) << (<u64>len * 8)) - 1;
    return ((load<u64>(p) ^ load<u64>(lit)) & mask) == 0;
  }
  if (len <= 16) return load<u64>(p) == load<u64>(lit) && load<u64>(p + len - 8) == load<u64>(lit + len - 8);
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) if (load<u64>(p + i) != load<u64>(lit + i)) return false;
  for (; i < len; i++) if (load<u8>(p + i) != load<u8>(lit + i)) return false;
  return true;
}

function startsWith(p: usize, end: usize, lit: usize, len: usize): bool {
  return p + len <= end && equals(p, lit, len);
}

// Position of lit in [from, end), or 0 (no position is 0: the input area starts past the static data).
function indexOf(from: usize, end: usize, lit: usize, len: usize): usize {
  if (from + len > end) return 0;
  const first = i8x16.splat(<i8>load<u8>(lit));
  const last = end - len;
  let p = from;
  while (p + 16 <= last + 1) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(p), first));
    while (m != 0) {
      const q = p + <usize>ctz<u32>(m);
      if (equals(q, lit, len)) return q;
      m &= m - 1;
    }
    p += 16;
  }
  for (; p <= last; p++) if (load<u8>(p) == load<u8>(lit) && equals(p, lit, len)) return p;
  return 0;
}

// Text the scanner may take as it stands: printable ASCII, no '=', no space at either end.
function plainText(p: usize, end: usize): bool {
  if (end <= p || at(p) == 32 || at(end - 1) == 32) return false;
  for (let q = p; q < end; q++) {
    const c = at(q);
    if (c - 32 > 94 || c == 61) return false;
  }
  return true;
}

function hashBytes(p: usize, len: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < len; i++) h = (h ^ at(p + <usize>i)) * 16777619;
  return h | 1; // 0 marks an empty slot
}

// The id of bytes[p, p + len), interning them (and listing them as new) the first time; −1 when they cannot be
// interned (too long, or the table or the list of new strings is full: the line is then left to the general parser).
function intern(p: usize, len: i32): i32 {
  if (len > MAX_STRING) return -1;
  const h = hashBytes(p, len);
  let slot = h & (INTERN_SLOTS - 1);
  for (;;) {
    const s = internPtr + <usize>slot * INTERN_SLOT_BYTES;
    const sh = load<u32>(s);
    if (sh == 0) break;
    if (sh == h && load<i32>(s, 4) == len && equals(s + 16, p, <usize>len)) return load<i32>(s, 8);
    slot = (slot + 1) & (INTERN_SLOTS - 1);
  }
  if (<u32>internCount >= INTERN_SLOTS >> 1 || newStrings >= stringsCap) return -1;
  const s = internPtr + <usize>slot * INTERN_SLOT_BYTES;
  const id = internCount++;
  store<u32>(s, h);
  store<i32>(s, len, 4);
  store<i32>(s, id, 8);
  memory.copy(s + 16, p, <usize>len);
  store<u32>(stringTablePtr + <usize>id * 8, <u32>(s + 16));
  store<u32>(stringTablePtr + <usize>id * 8, <u32>len, 4);
  const n = stringsPtr + <usize>newStrings * 12;
  store<i32>(n, id);
  store<i32>(n, <i32>(p - inputPtr), 4);
  store<i32>(n, len, 8);
  newStrings++;
  return id;
}

// A plain comm's id, from the key's cache entry while its bytes are the entry's string (the cache holds only plain
// texts, so a hit needs no second look); −1 when the text is not plain or cannot be interned.
function comm(cache: usize, key: i32, p: usize, end: usize): i32 {
  const len = <i32>(end - p);
  const e = cache + <usize>((<u32>key) & (CACHE_SLOTS - 1)) * 8;
  if (load<i32>(e) == key) {
    const id = load<i32>(e, 4);
    const t = stringTablePtr + <usize>id * 8;
    if (load<i32>(t, 4) == len && equals(p, <usize>load<u32>(t), <usize>len)) return id;
  }
  if (!plainText(p, end)) return -1;
  const id = intern(p, len);
  if (id >= 0) {
    store<i32>(e, key);
    store<i32>(e, id, 4);
  }
  return id;
}

// A state's id (its text is plain): one or two letters from a table by their bytes, longer ones interned.
function stateId(p: usize, end: usize): i32 {
  const n = end - p;
  if (n > 2) return intern(p, <i32>n);
  const key = n == 1 ? at(p) : at(p) | (at(p + 1) << 8);
  const e = stateCachePtr + <usize>key * 4;
  const cached = load<i32>(e);
  if (cached > 0) return cached - 1;
  const id = intern(p, <i32>n);
  if (id >= 0) store<i32>(e, id + 1);
  return id;
}

// Where the last number ended (the parsers' cursor).
let pos: usize = 0;
const NO_INT: i64 = 0x7fffffffffffffff;

// A decimal integer at pos (optional '-'), leaving pos after it; NO_INT when there is no digit or more than 9 (the
// general parser then reads it: records hold i32).
function int(end: usize): i64 {
  let p = pos;
  let sign: i64 = 1;
  if (p < end && at(p) == 45) {
    sign = -1;
    p++;
  }
  const from = p;
  let v: i64 = 0;
  while (p < end) {
    const c = at(p);
    if (!isDigit(c)) break;
    v = v * 10 + <i64>(c - 48);
    p++;
  }
  pos = p;
  // no digit, more than 9 (records hold i32), or `-0` (which the general parser reads as −0): the general parser's
  if (p == from || p - from > 9 || (sign < 0 && v == 0)) return NO_INT;
  return sign * v;
}

// The line ends at pos, or with ` key=NUMBER` and `after` (perf's last field).
function endsWith(end: usize, key: usize, keyLen: usize, after: usize, afterLen: usize): bool {
  if (pos == end) return true;
  if (!startsWith(pos, end, key, keyLen)) return false;
  pos += keyLen;
  if (int(end) == NO_INT || !startsWith(pos, end, after, afterLen)) return false;
  return pos + afterLen == end;
}

function record(kind: i32): usize {
  const r = recordsPtr + <usize>recordCount * RECORD_BYTES;
  store<i32>(r, kind);
  store<i32>(r, lineNo, 4);
  recordCount++;
  return r;
}

function text(start: usize, end: usize): void {
  store<i32>(textsPtr + <usize>textCount * 4, recordCount);
  textCount++;
  const r = record(TEXT_KIND);
  store<i32>(r, <i32>(start - inputPtr), 16);
  store<i32>(r, <i32>(end - start), 20);
}

// One line [start, end) (no line end): a record of its event, or a TEXT record for the general parser.
function line(start: usize, end: usize): void {
  let i = skipSpaces(start, end);
  const commStart = i;
  // The CPU column `[NNN] ` closes the head's first part; the comm may hold spaces, so search forward for it.
  const close = closeBracket(i, end);
  if (close == 0) return text(start, end);
  let open = close - 1;
  let cpu: i32 = 0;
  let mul: i32 = 1;
  for (; open > commStart && isDigit(at(open)); open--) {
    if (close - open > 9) return text(start, end);
    cpu += <i32>(at(open) - 48) * mul;
    mul *= 10;
  }
  if (open == close - 1 || at(open) != 91 || at(open - 1) != 32) return text(start, end);
  let k = open - 1;
  while (k > commStart && at(k) == 32) k--;
  const tidEnd = k + 1;
  let tid: i32 = 0;
  mul = 1;
  for (; k > commStart && isDigit(at(k)); k--) {
    if (tidEnd - k > 9) return text(start, end);
    tid += <i32>(at(k) - 48) * mul;
    mul *= 10;
  }
  if (k + 1 == tidEnd) return text(start, end);
  if (at(k) == 45) {
    if (tid == 0) return text(start, end); // `-0`: the general parser reads −0
    tid = -tid;
    k--;
  }
  if (at(k) != 32) return text(start, end);
  while (k > commStart && at(k) == 32) k--;
  if (k < commStart || at(k) == 32) return text(start, end); // no comm
  const commEnd = k + 1;
  const commId = comm(sampleCachePtr, tid, commStart, commEnd);
  if (commId < 0) return text(start, end);
  // SEC.FRAC:
  i = skipSpaces(close + 2, end);
  let sec: f64 = 0;
  const secFrom = i;
  for (; i < end && isDigit(at(i)); i++) sec = sec * 10 + <f64>(at(i) - 48);
  if (i == secFrom || i - secFrom > 15 || i >= end || at(i) != 46) return text(start, end);
  i++;
  let frac: f64 = 0;
  let digits = 0;
  if (i + 8 <= end) {
    const eight = eightDigits(i);
    if (eight >= 0) {
      frac = <f64>eight;
      digits = 8;
      i += 8;
    }
  }
  for (; i < end && isDigit(at(i)); i++, digits++) if (digits < 9) frac = frac * 10 + <f64>(at(i) - 48);
  if (digits == 0 || i + 1 >= end || at(i) != 58 || at(i + 1) != 32) return text(start, end);
  for (let d = digits; d < 9; d++) frac *= 10;
  const timeNs = sec * 1e9 + frac;
  i = skipSpaces(i + 2, end);
  if (!startsWith(i, end, SCHED, SCHED_LEN)) return other(start, i, end, timeNs, cpu, tid, commId);
  i += SCHED_LEN;
  // The name up to its ':', told by the word after `sched_` (a name that is none of these is for the general parser).
  let kind: i32 = 0;
  let nameEnd: usize = 0;
  if (i + 20 <= end) {
    const w = load<u64>(i + 6);
    if (w == 0x203a686374697773 && equals(i, SWITCH, 12))
      kind = SWITCH_KIND; // "switch: "
    else if (w == 0x203a676e696b6177 && equals(i, WAKING, 12))
      kind = WAKING_KIND; // "waking: "
    else if (w == 0x203a7075656b6177 && equals(i, WAKEUP, 12))
      kind = WAKEUP_KIND; // "wakeup: "
    else if (w == 0x6e5f7075656b6177 && load<u32>(i + 14) == 0x203a7765 && equals(i, WAKEUP_NEW, 16))
      kind = WAKEUP_NEW_KIND; // "wakeup_n" "ew: "
    else if (
      w == 0x6e75725f74617473 &&
      (load<u64>(i + 14) & 0xffffffffffff) == 0x203a656d6974 &&
      equals(i, STAT_RUNTIME, 18)
    )
      kind = RUNTIME_KIND; // "stat_run" "time: "
    nameEnd =
      kind == SWITCH_KIND || kind == WAKING_KIND || kind == WAKEUP_KIND
        ? i + 12
        : kind == WAKEUP_NEW_KIND
          ? i + 16
          : i + 18;
  }
  if (kind == 0) return text(start, end);
  const f = nameEnd + 2;
  if (kind == SWITCH_KIND) {
    if (!startsWith(f, end, PREV_COMM, PREV_COMM_LEN)) return text(start, end);
    // Usually prev is the sample's task: its comm, then ` prev_pid=` (no earlier ` prev_pid=` can end inside a plain
    // comm, which holds no '='); else the first ` prev_pid=`.
    const guess = f + PREV_COMM_LEN + (commEnd - commStart);
    const prevCommEnd =
      guess + PREV_PID_LEN <= end &&
      equals(guess, PREV_PID, PREV_PID_LEN) &&
      equals(f + PREV_COMM_LEN, commStart, commEnd - commStart)
        ? guess
        : indexOf(f + PREV_COMM_LEN, end, PREV_PID, PREV_PID_LEN);
    if (prevCommEnd == 0) return text(start, end);
    pos = prevCommEnd + PREV_PID_LEN;
    const prevTid = int(end);
    if (prevTid == NO_INT || !startsWith(pos, end, PREV_PRIO, PREV_PRIO_LEN)) return text(start, end);
    pos += PREV_PRIO_LEN;
    if (int(end) == NO_INT || !startsWith(pos, end, PREV_STATE, PREV_STATE_LEN)) return text(start, end);
    const stateStart = pos + PREV_STATE_LEN;
    const arrow = indexOf(stateStart, end, ARROW, ARROW_LEN);
    if (arrow <= stateStart) return text(start, end);
    const nextCommAt = arrow + ARROW_LEN;
    if (!startsWith(nextCommAt, end, NEXT_COMM, NEXT_COMM_LEN)) return text(start, end);
    const nextCommEnd = indexOf(nextCommAt + NEXT_COMM_LEN, end, NEXT_PID, NEXT_PID_LEN);
    if (nextCommEnd == 0) return text(start, end);
    pos = nextCommEnd + NEXT_PID_LEN;
    const nextTid = int(end);
    if (nextTid == NO_INT || !endsWith(end, NEXT_PRIO, NEXT_PRIO_LEN, 0, 0)) return text(start, end);
    if (!plainText(stateStart, arrow)) return text(start, end);
    const p = <i32>prevTid;
    const x = <i32>nextTid;
    const prevComm = comm(fieldCachePtr, p == 0 ? -1 - cpu : p, f + PREV_COMM_LEN, prevCommEnd);
    const nextComm = comm(fieldCachePtr, x == 0 ? -1 - cpu : x, nextCommAt + NEXT_COMM_LEN, nextCommEnd);
    const state = stateId(stateStart, arrow);
    if (prevComm < 0 || nextComm < 0 || state < 0) return text(start, end);
    const r = record(SWITCH_KIND);
    head(r, timeNs, cpu, tid, commId);
    store<i32>(r, p, 20);
    store<i32>(r, prevComm, 24);
    store<i32>(r, state, 28);
    store<i32>(r, x, 32);
    store<i32>(r, nextComm, 36);
    return;
  }
  if (!startsWith(f, end, COMM, COMM_LEN)) return text(start, end);
  const targetCommEnd = indexOf(f + COMM_LEN, end, PID, PID_LEN);
  if (targetCommEnd == 0) return text(start, end);
  pos = targetCommEnd + PID_LEN;
  const targetTid = int(end);
  if (targetTid == NO_INT) return text(start, end);
  const t = <i32>targetTid;
  if (kind == RUNTIME_KIND) {
    if (!startsWith(pos, end, RUNTIME, RUNTIME_LEN)) return text(start, end);
    pos += RUNTIME_LEN;
    const from = pos;
    // runtime in ns: up to 15 digits (a double holds them exactly), as the general parser reads it
    let runtime: f64 = 0;
    while (pos < end && isDigit(at(pos))) {
      runtime = runtime * 10 + <f64>(at(pos) - 48);
      pos++;
    }
    if (pos == from || pos - from > 15 || !startsWith(pos, end, NS, NS_LEN)) return text(start, end);
    pos += NS_LEN;
    if (!endsWith(end, VRUNTIME, VRUNTIME_LEN, NS, NS_LEN)) return text(start, end);
    // The target's comm is not kept, but it must be plain text (as the general parser would take it): the cache
    // answers that for a comm seen before.
    if (comm(fieldCachePtr, t == 0 ? -1 - cpu : t, f + COMM_LEN, targetCommEnd) < 0) return text(start, end);
    const r = record(RUNTIME_KIND);
    head(r, timeNs, cpu, tid, commId);
    store<i32>(r, t, 20);
    store<f64>(r, runtime, 56);
    return;
  }
  if (!startsWith(pos, end, PRIO, PRIO_LEN)) return text(start, end);
  pos += PRIO_LEN;
  if (int(end) == NO_INT || !startsWith(pos, end, TARGET_CPU, TARGET_CPU_LEN)) return text(start, end);
  pos += TARGET_CPU_LEN;
  const targetCpu = int(end);
  if (targetCpu == NO_INT || pos != end) return text(start, end);
  const targetComm = comm(fieldCachePtr, t == 0 ? -1 - cpu : t, f + COMM_LEN, targetCommEnd);
  if (targetComm < 0) return text(start, end);
  const r = record(kind);
  head(r, timeNs, cpu, tid, commId);
  store<i32>(r, t, 20);
  store<i32>(r, targetComm, 24);
  store<i32>(r, <i32>targetCpu, 28);
}

function head(r: usize, timeNs: f64, cpu: i32, tid: i32, commId: i32): void {
  store<i32>(r, cpu, 8);
  store<i32>(r, tid, 12);
  store<i32>(r, commId, 16);
  store<f64>(r, timeNs, 48);
}

// An event of another system (irq, timer, …): skipped under its `system:name`, or the general parser.
function other(start: usize, p: usize, end: usize, timeNs: f64, cpu: i32, tid: i32, commId: i32): void {
  let i = p;
  while (i < end && isWord(at(i))) i++;
  if (i == p || i >= end || at(i) != 58) return text(start, end);
  let j = i + 1;
  while (j < end && isWord(at(j))) j++;
  if (j == i + 1 || j >= end || at(j) != 58) return text(start, end);
  // The general parser takes the rest of the line as `(.*)$`, which no line with a \r, U+2028 or U+2029 matches.
  if (lineBreakIn(j + 1, end)) return text(start, end);
  const name = intern(p, <i32>(j - p));
  if (name < 0) return text(start, end);
  const r = record(SKIPPED_KIND);
  head(r, timeNs, cpu, tid, commId);
  store<i32>(r, name, 16);
}

// Whether [p, end) holds a byte a JavaScript regex `.` does not match: \r, or U+2028 / U+2029 (E2 80 A8 / A9).
function lineBreakIn(p: usize, end: usize): bool {
  const cr = i8x16.splat(13);
  const e2 = i8x16.splat(<i8>0xe2);
  let q = p;
  for (; q + 16 <= end; q += 16) {
    const v = v128.load(q);
    if (i8x16.bitmask(v128.or(i8x16.eq(v, cr), i8x16.eq(v, e2))) != 0) break;
  }
  for (; q < end; q++) {
    const c = at(q);
    if (c == 13) return true;
    if (c == 0xe2 && q + 2 < end && at(q + 1) == 0x80 && (at(q + 2) == 0xa8 || at(q + 2) == 0xa9)) return true;
  }
  return false;
}

// The next '\n' at or after p, or end.
function lineEnd(p: usize, end: usize): usize {
  const nl = i8x16.splat(10);
  while (p + 16 <= end) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(p), nl));
    if (m != 0) return p + <usize>ctz<u32>(m);
    p += 16;
  }
  while (p < end && load<u8>(p) != 10) p++;
  return p;
}

/**
 * Scans the lines in input[from, to): every line that ends with '\n', and with `last` the line after the last
 * '\n' too, numbering them from `linesBefore` + 1. Stops early when the records or the list of new strings are full.
 * @returns where it stopped (the next line's first byte), as an offset into the input area
 */
export function scan(from: i32, to: i32, last: bool, linesBefore: i32): i32 {
  if (internCount >= RESET_AT) resetStrings();
  recordCount = 0;
  newStrings = 0;
  textCount = 0;
  lineNo = linesBefore;
  let p = inputPtr + <usize>from;
  const end = inputPtr + <usize>to;
  while (p < end && recordCount < recordsCap && newStrings + 4 <= stringsCap) {
    const nl = lineEnd(p, end);
    if (nl == end && !last) break;
    let e = nl;
    if (e > p && at(e - 1) == 13) e--;
    lineNo++;
    line(p, e);
    p = nl < end ? nl + 1 : end;
  }
  return <i32>(p - inputPtr);
}
