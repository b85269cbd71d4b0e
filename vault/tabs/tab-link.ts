// docs/PROTOCOL.md §18.5: tabs of one vault talk over the BroadcastChannel `carnet:<vault id hex>`. Messages
// carry no key material and no content: which record changed, lock, and activity for the shared idle timer.
// IndexedDB serialises the tabs' transactions (sequences are allocated inside them), so the channel only
// says "look again"; a lost message costs freshness, never data.
import * as v from 'valibot';

const TabMessage = v.variant('t', [
  v.strictObject({
    t: v.literal('changed'),
    recordIds: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/))), v.maxLength(1000)),
  }),
  v.strictObject({ t: v.literal('lock') }),
  v.strictObject({ t: v.literal('activity') }),
]);
export type TabMessage = v.InferOutput<typeof TabMessage>;

export interface TabLink {
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

/** The channel of one vault, or a link that talks to nobody where BroadcastChannel is missing (Node tests). */
export function createTabLink(vaultIdHex: string): TabLink {
  const listeners = new Set<(message: TabMessage) => void>();
  if (typeof BroadcastChannel === 'undefined') {
    return { post: () => undefined, onMessage: () => () => undefined, close: () => listeners.clear() };
  }
  const channel = new BroadcastChannel(`carnet:${vaultIdHex}`);
  channel.onmessage = (event: MessageEvent) => {
    // Another tab of this origin is not trusted blindly: a malformed message is ignored.
    const parsed = v.safeParse(TabMessage, event.data);
    if (!parsed.success) return;
    for (const listener of listeners) listener(parsed.output);
  };
  return {
    post(message) {
      channel.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
}
