import cliProgress from 'cli-progress';
import type { ProgressListener } from '../core/ports.ts';

/**
 * A progress bar on stderr for interactive terminals: files, events and events/s. Returns undefined
 * when stderr is not a TTY, so piped output stays clean.
 */
export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
): (ProgressListener & { stop(): void }) | undefined {
  if (!stream.isTTY) return undefined;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {spinner} files {files} | events {events} | {rate} events/s | {mb} MB',
      hideCursor: true,
      clearOnComplete: true,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let tick = 0;
  bar.start(1, 0, { files: 0, events: 0, rate: 0, mb: '0.0', spinner: frames[0] });
  return {
    fileDone({ files, events, bytes }) {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(0, {
        files,
        events: events.toLocaleString('en-US'),
        rate: Math.round(events / seconds).toLocaleString('en-US'),
        mb: (bytes / 2 ** 20).toFixed(1),
        spinner: frames[tick++ % frames.length],
      });
    },
    stop() {
      bar.stop();
    },
  };
}
