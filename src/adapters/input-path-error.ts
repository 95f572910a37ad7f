import { LogwardenError } from '../core/errors.ts';

/** The input given to `analyze` cannot be used at all (missing path, missing bucket, no logs). */
export class InputPathError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}
