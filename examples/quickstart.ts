// The README example: charge one run slice the way a guest kernel does.
import { Ledger, SliceAccountant, bookSlice } from 'schedacct';

const ledger = new Ledger();
const cpu0 = new SliceAccountant({ counterHz: 24_000_000, policy: 'drop' }); // a 24 MHz Arm generic timer
// Task 42 ran from counter 1 000 to 241 000 (10 ms); the host stole 2 ms of it.
const switchIn = { counter: 1_000n, stolenTotalNs: 5_000_000n };
const switchOut = { counter: 241_000n, stolenTotalNs: 7_000_000n };
bookSlice(ledger, 42, cpu0, switchIn, switchOut);
const task = ledger.get(42);
console.log(
  `run ${String(task?.runNs)} ns, stolen ${String(task?.stolenNs)} ns, charged ${String(task?.chargedNs)} ns`,
);
if (task?.chargedNs !== 8_000_000) throw new Error('expected 8 ms charged');
