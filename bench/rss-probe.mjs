// Preloaded into the measured process: on exit, writes its peak RSS (KiB) where the benchmark asks.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.LOGWARDEN_RSS_FILE)
    writeFileSync(process.env.LOGWARDEN_RSS_FILE, String(process.resourceUsage().maxRSS));
});
