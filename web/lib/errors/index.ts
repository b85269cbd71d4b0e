/**
 * Errors for people: one list of codes, one function that words them, one way to show them.
 *
 * @example
 * import { AppError, reportError } from '$lib/errors';
 * reportError(new AppError('storage-full', { cause }));
 */
export { AppError, APP_ERROR_CODES, type AppErrorCode } from './app-error.ts';
export { describeError, type ErrorDescription } from './describe-error.ts';
export { errorCodeOf } from './error-code-of.ts';
export { installErrorHandlers } from './install-error-handlers.ts';
export { reportError } from './report-error.ts';
