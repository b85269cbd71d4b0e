// PROTOCOL.md §17.2: a purge is several steps (rows, catalogue page, shard compaction). The records being
// purged are listed in one LSK row (`meta` `purging`) from before the first step until after the last, so a
// purge cut short by a crash or a closed tab is finished at the next unlock. Each step is idempotent.
import * as v from 'valibot';
import { isVaultError } from '../records/vault-error.ts';
import { jsonBytes, parseJsonBytes } from './row-sealer.ts';
import type { StoreContext } from './store-context.ts';

const KEY = 'purging';
const Ids = v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)));

type PurgeListContext = Pick<StoreContext, 'db' | 'rows' | 'report'>;

async function read(ctx: PurgeListContext): Promise<string[]> {
  const row = await ctx.db.meta.get(KEY);
  if (row === undefined) return [];
  try {
    const parsed = v.safeParse(Ids, parseJsonBytes(ctx.rows.open('meta', KEY, row.bytes)));
    if (parsed.success) return parsed.output;
  } catch (error) {
    if (!isVaultError(error, 'tampered_row') && !(error instanceof SyntaxError)) throw error;
  }
  ctx.report({ code: 'tampered_row', table: 'meta' });
  return [];
}

async function change(ctx: PurgeListContext, edit: (ids: Set<string>) => void): Promise<void> {
  const { db } = ctx;
  await db.transaction('rw', db.meta, async () => {
    const ids = new Set(await read(ctx));
    edit(ids);
    if (ids.size === 0) await db.meta.delete(KEY);
    else await db.meta.put({ key: KEY, bytes: ctx.rows.seal('meta', KEY, jsonBytes([...ids].sort())) });
  });
}

export const pendingPurges = {
  list: read,
  add: (ctx: PurgeListContext, hex: string) => change(ctx, (ids) => ids.add(hex)),
  remove: (ctx: PurgeListContext, hex: string) => change(ctx, (ids) => ids.delete(hex)),
};

/**
 * Records to purge at unlock: deleted ones that are listed as being purged or whose rows are still stored. A
 * listed record that is not deleted (its tombstone was never committed: the tab closed first) is not purged,
 * only unlisted: erasing it would lose a record the patient still has.
 */
export async function purgesToResume(ctx: PurgeListContext, isDeleted: (hex: string) => boolean): Promise<string[]> {
  const listed = await read(ctx);
  for (const hex of listed) if (!isDeleted(hex)) await pendingPurges.remove(ctx, hex);
  const stored = (await ctx.db.envelopes.orderBy('recordId').uniqueKeys()).map(String);
  return [...new Set([...listed, ...stored])].filter(isDeleted);
}
