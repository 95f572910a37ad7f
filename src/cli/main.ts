import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { errorKind } from '../core/errors.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerBaseline } from './commands/baseline.ts';
import { registerCollect } from './commands/collect.ts';
import { registerFindings } from './commands/findings.ts';
import { registerReport } from './commands/report.ts';
import { registerRules } from './commands/rules.ts';
import { registerVerify } from './commands/verify.ts';
import { EXIT, EXIT_FOR_KIND, exitCodeFor } from './exit-codes.ts';
import { hideNodeVersionWarning } from './node-version-warning.ts';

// Each command module holds only its options: what it runs is imported when it runs, so --help
// loads neither DuckDB nor an AWS SDK client. Add a command with one register line below.

hideNodeVersionWarning();

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command()
  .name('logwarden')
  .description('Find security and operational trouble in AWS logs')
  .version('0.1.0')
  .exitOverride();

registerAnalyze(program);
registerBaseline(program);
registerCollect(program);
registerFindings(program);
registerReport(program);
registerRules(program);
registerVerify(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander has printed its message (or the help and version it was asked for).
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT_FOR_KIND.usage;
  } else {
    const kind = errorKind(err);
    process.stderr.write(
      kind === 'internal'
        ? `${pc.red('internal error')}: ${(err as Error)?.stack ?? String(err)}\n`
        : `${pc.red('error')}: ${(err as Error).message}\n`,
    );
    process.exitCode = exitCodeFor(err);
  }
}
