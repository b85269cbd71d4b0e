import type { ClientInit, HandleClientError } from '@sveltejs/kit';
import { describeError } from '$lib/errors';
import { loadMessages } from '$lib/i18n/messages.ts';
import { getLocale } from '$lib/i18n/runtime.ts';
import { vaultSession } from '$lib/state/vault-session.svelte.ts';

/**
 * Before the router starts: the language's messages (their own chunk) and the list of this browser's vaults
 * are fetched at once, beside the route's code, rather than one after the other. Not awaited here: the root
 * layout's load awaits the messages, the layout reports a failed listing (both calls are made once).
 */
export const init: ClientInit = () => {
  loadMessages(getLocale()).catch(() => undefined);
  vaultSession.start().catch(() => undefined);
};

/**
 * Errors thrown while loading or rendering a page: kit shows +error.svelte with what we return here,
 * so the page says what happened in plain words (the code goes along as a reference).
 */
export const handleError: HandleClientError = ({ error, status }) => {
  const { code, text } = describeError(status === 404 ? { status } : error);
  console.error('carnet:', code, error);
  return { message: text(), code };
};
