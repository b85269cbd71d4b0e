import type { ClientFrame, ClientFrameType } from '#protocol';
import { handleAuth, handleVaultCreate } from './auth-handlers.ts';
import { handleBlobChunk, handleBlobGet, handleBlobPut } from './blob-handlers.ts';
import { handleMemberAppend, handleMemberGet, handleWrapGet } from './membership-handlers.ts';
import {
  handleFetch,
  handlePresence,
  handlePush,
  handleSnapshotPut,
  handleSync,
  handleUnsubscribe,
} from './record-handlers.ts';
import type { SessionContext } from './session-context.ts';

type Handler<T extends ClientFrameType> = (
  ctx: SessionContext,
  rid: number,
  frame: Extract<ClientFrame, { type: T }>,
) => Promise<void> | void;

/**
 * One handler per client frame the relay serves. A mapped type over every frame type: a frame added to
 * protocol/ is a type error here until someone decides who serves it (an unserved type is answered
 * `unknown_frame` by the decoder, before this table).
 */
const HANDLERS: { [T in ClientFrameType]: Handler<T> } = {
  AUTH: (ctx, _rid, frame) => handleAuth(ctx, frame),
  VAULT_CREATE: (ctx, _rid, frame) => handleVaultCreate(ctx, frame),
  MEMBER_GET: handleMemberGet,
  MEMBER_APPEND: handleMemberAppend,
  WRAP_GET: handleWrapGet,
  SYNC: handleSync,
  PUSH: handlePush,
  SNAPSHOT_PUT: handleSnapshotPut,
  FETCH: handleFetch,
  // Beyond the presence rate it is dropped silently: it is cosmetic (§12.3).
  PRESENCE: (ctx, _rid, frame) => {
    if (ctx.presenceAllowed()) handlePresence(ctx, frame);
  },
  UNSUBSCRIBE: handleUnsubscribe,
  BLOB_PUT: handleBlobPut,
  BLOB_CHUNK: handleBlobChunk,
  BLOB_GET: handleBlobGet,
};

/** Runs the frame's handler; its refusals are thrown as WireError for the connection to answer. */
export async function dispatchFrame(ctx: SessionContext, rid: number, frame: ClientFrame): Promise<void> {
  const handler = HANDLERS[frame.type] as Handler<typeof frame.type>;
  await handler(ctx, rid, frame);
}
