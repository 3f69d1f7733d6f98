// What Linux's mult/shift truncation costs against exact conversion, for common Arm counter rates.
import { createConversion, schedClockParams } from 'schedacct';

console.log('counter      mult       shift  resolution  kernel ns in 1 h of ticks  vs exact');
for (const hz of [19_200_000, 24_000_000, 25_000_000, 62_500_000, 100_000_000, 1_000_000_000]) {
  const p = schedClockParams(hz);
  const hour = 3600n * BigInt(hz);
  const kernel = createConversion('kernel', hz).elapsedNs(0n, hour);
  const exact = createConversion('exact', hz).elapsedNs(0n, hour);
  console.log(
    `${(hz / 1e6).toFixed(1).padStart(6)} MHz ${String(p.mult).padStart(10)} ${String(p.shift).padStart(6)}` +
      `  ${String(p.resolutionNs).padStart(8)} ns  ${String(kernel).padStart(24)}  ${String(kernel - exact).padStart(8)} ns`,
  );
  if (exact !== 3_600_000_000_000) throw new Error('exact conversion must be exact');
}
