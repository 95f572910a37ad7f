// Preloaded into the measured process: on exit, writes its peak RSS (KiB) and CPU time (µs, all
// threads) as JSON where the benchmark asks. The CLI re-runs itself once with its V8 flags; the
// process that did the work exits first and its figures are kept (the launcher's are not written
// over them).
import { existsSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.LOGWARDEN_RSS_FILE;
  if (!file || existsSync(file)) return;
  const { user, system } = process.cpuUsage();
  writeFileSync(
    file,
    JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, cpuMicros: user + system }),
  );
});
