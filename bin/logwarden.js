#!/usr/bin/env node
// Entry point: run the TypeScript CLI through tsx's loader so no build step is needed.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start under Node 20 (still supported by logwarden); keep stderr for
// messages the user can act on.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  return emitWarning.call(process, warning, ...rest);
};

register();
await import('../src/cli/main.ts');
