import type { HandleClientError } from '@sveltejs/kit';
import { describeError } from '$lib/errors';

/**
 * Errors thrown while loading or rendering a page: kit shows +error.svelte with what we return here,
 * so the page says what happened in plain words (the code goes along as a reference).
 */
export const handleError: HandleClientError = ({ error, status }) => {
  const { code, text } = describeError(status === 404 ? { status } : error);
  console.error('carnet:', code, error);
  return { message: text(), code };
};
