import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { InputPathError } from '../adapters/input-path-error.ts';
import { ConfigError } from '../core/config.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerBaseline } from './commands/baseline.ts';
import { registerFindings } from './commands/findings.ts';
import { registerReport } from './commands/report.ts';
import { registerRules } from './commands/rules.ts';
import { registerVerify } from './commands/verify.ts';
import { EXIT } from './exit-codes.ts';

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
registerFindings(program);
registerReport(program);
registerRules(program);
registerVerify(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT.inputErrors;
  } else if (err instanceof ConfigError || err instanceof InputPathError || isUserError(err)) {
    process.stderr.write(`${pc.red('error')}: ${(err as Error).message}\n`);
    process.exitCode = EXIT.inputErrors;
  } else {
    process.stderr.write(`${pc.red('internal error')}: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 3;
  }
}

/** Errors the user can fix from the message alone (bad flag values, missing credentials …). */
function isUserError(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  return (
    err instanceof Error &&
    (name === 'UsageError' ||
      name === 'ReportWiringError' ||
      /unknown severity|is not a time|is not an S3 URI|--format/.test(err.message) ||
      name === 'CredentialsProviderError')
  );
}
