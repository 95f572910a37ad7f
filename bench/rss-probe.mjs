// Preloaded into the measured process: on exit, writes its peak RSS (KiB) where the benchmark asks.
// The CLI re-runs itself once with its V8 flags; the process that did the work exits first and its
// figure is kept (the launcher's own is smaller and is not written over it).
import { existsSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.LOGWARDEN_RSS_FILE;
  if (file && !existsSync(file)) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
