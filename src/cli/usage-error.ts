import { LogwardenError } from '../core/errors.ts';

/** Bad flags or arguments that commander cannot check by itself: reported without a stack trace. */
export class UsageError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}
