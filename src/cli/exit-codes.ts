import { type ErrorKind, errorKind } from '../core/errors.ts';

/** Exit codes every command uses (the README's table lists the same). */
export const EXIT = {
  /** Done, nothing at or above --fail-on. */
  ok: 0,
  /** Findings at or above --fail-on. */
  findings: 1,
  /** Some input could not be read (the rest was processed), or bad usage/configuration. */
  inputErrors: 2,
  /** A bug in logwarden (an internal error). */
  internal: 3,
  /** A notification channel failed (the others were still tried). */
  notifyFailed: 4,
  /** The store is in use by another process. */
  storeBusy: 5,
} as const;

/** The one table from an error's kind to the exit code it ends the process with. */
export const EXIT_FOR_KIND: Record<ErrorKind, number> = {
  usage: EXIT.inputErrors,
  config: EXIT.inputErrors,
  input: EXIT.inputErrors,
  'store-missing': EXIT.inputErrors,
  'store-busy': EXIT.storeBusy,
  dependency: EXIT.inputErrors,
  notify: EXIT.notifyFailed,
  internal: EXIT.internal,
};

/** The exit code a thrown value ends the process with: its kind's, through the table above. */
export function exitCodeFor(err: unknown): number {
  return EXIT_FOR_KIND[errorKind(err)];
}
