import { reportError } from './report-error.ts';

/**
 * Catches what nobody caught: script errors and rejected promises anywhere in the page become a message
 * in the toast region instead of a silent failure. Returns the function that removes the handlers.
 */
export function installErrorHandlers(target: Window = window): () => void {
  const onError = (event: ErrorEvent): void => {
    reportError(event.error ?? event.message);
  };
  const onRejection = (event: PromiseRejectionEvent): void => {
    reportError(event.reason);
  };
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}
