/**
 * The AWS SDK warns on every start under Node 20 (still supported by logwarden): keep stderr for
 * messages the user can act on by dropping that one warning.
 */
export function hideNodeVersionWarning(): void {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const first = rest[0] as string | { type?: string } | undefined;
    const type = typeof first === 'string' ? first : first?.type;
    if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
