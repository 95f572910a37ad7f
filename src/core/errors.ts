/**
 * What went wrong, in the terms the exit code is chosen by. One table (`cli/exit-codes.ts`) maps a
 * kind to its documented exit code; nothing matches on message text.
 */
export type ErrorKind =
  /** Bad flags or arguments. */
  | 'usage'
  /** A configuration file or value is invalid. */
  | 'config'
  /** Input that cannot be read at all (a path that does not exist, a bad S3 URI). */
  | 'input'
  /** The store named by --db does not exist (never created silently for a read-only command). */
  | 'store-missing'
  /** The store is locked by another process. */
  | 'store-busy'
  /** Credentials or an AWS/HTTP dependency refused or could not be reached. */
  | 'dependency'
  /** A notification channel failed. */
  | 'notify'
  /** A bug: anything not anticipated. */
  | 'internal';

/** The base of every error logwarden raises on purpose: a kind for the exit code, a cause kept. */
export class LogwardenError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The kind of any thrown value: a LogwardenError's own, otherwise internal. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof LogwardenError ? err.kind : 'internal';
}
