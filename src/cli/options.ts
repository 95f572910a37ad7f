import { Option } from 'commander';
import { SEVERITIES } from '../core/finding.ts';

/** Where analyze stores results and the other commands read them, unless --db says otherwise. */
export const DEFAULT_DB = '.logwarden/logwarden.duckdb';

/** The --config option every command that reads a configuration takes. */
export function configOption(): Option {
  return new Option(
    '-c, --config <file>',
    'configuration file (default: ./logwarden.config.yaml when present)',
  );
}

/** --format with the values it allows, checked by commander. */
export function formatOption(formats: readonly string[], fallback = formats[0]): Option {
  return new Option('-f, --format <format>', 'output format').choices(formats).default(fallback);
}

/**
 * An option whose value is a severity: the allowed values checked by commander, in any case
 * (`high` and `HIGH` alike), handed to the command upper-cased.
 */
export function severityOption(flags: string, description: string): Option {
  const option = new Option(flags, description).choices(SEVERITIES);
  const check = option.parseArg;
  return option.argParser((value: string, previous: unknown) =>
    check ? check(value.toUpperCase(), previous) : value.toUpperCase(),
  );
}
