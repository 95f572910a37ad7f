/** Exit codes every command uses. */
export const EXIT = {
  /** Done, nothing at or above --fail-on. */
  ok: 0,
  /** Findings at or above --fail-on. */
  findings: 1,
  /** Some input could not be read (the rest was processed), or bad usage/configuration. */
  inputErrors: 2,
  /** A notification channel failed (the others were still tried). */
  notifyFailed: 4,
} as const;
