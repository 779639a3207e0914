import { AppError, render, type FieldError } from '../errors.js';

/** A 400 listing each offending field; the summary repeats them so `detail` reads on its own. */
export function invalid(errors: FieldError[]): AppError {
  const summary = errors.map((error) => `${error.path}: ${render(error.message, 'en')}`).join('; ');
  return new AppError('VALIDATION_FAILED', `The request is invalid: ${summary}`, errors);
}
