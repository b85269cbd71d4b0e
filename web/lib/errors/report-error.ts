import { toasts } from '$lib/state/toasts.svelte.ts';
import { describeError } from './describe-error.ts';

/** Shows an error to the person (as a toast) and keeps the original in the console for whoever debugs. */
export function reportError(error: unknown): void {
  const { code, text } = describeError(error);
  console.error('carnet:', code, error);
  toasts.show(text, 'error', code);
}
