import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type Config, ConfigError, parseConfig } from '../core/config.ts';

export const DEFAULT_CONFIG_FILE = 'logwarden.config.yaml';

/**
 * Loads the configuration: the file given with `--config` (which must exist), else
 * `logwarden.config.yaml` in the working directory when present, else the defaults.
 */
export function loadConfig(path?: string): Config {
  const file = path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (!file) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(doc, file);
}
