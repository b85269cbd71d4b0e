// A long, valid membership log for cost tests (issue 12): device-adds up to `devices`, then a link and
// share-updates of it up to `length` entries, all signed by the patient device 2. Built with one
// MembershipBatch, so building is linear too (a builder validating entry by entry would copy the state each time).
import { deviceIdentity } from '#crypto/identity';
import { deriveLinkKeys } from '#crypto/link-secret';
import { MembershipBatch, signNextEntry, type MemberBody } from '#protocol';
import type { MembershipLogBuilder } from './membership-log-builder.ts';

/** Entries after the builder's current head (not accepted by the builder: its state stays where it was). */
export function longMembershipLog(log: MembershipLogBuilder, length: number, devices: number): Uint8Array[] {
  const signer = log.keys.get(2);
  if (signer === undefined) throw new Error('call log.genesis() first');
  const batch = new MembershipBatch(log.state);
  const out: Uint8Array[] = [];
  let time = log.time;
  let link = -1;
  const push = (body: MemberBody): void => {
    const bytes = signNextEntry(
      log.vaultId,
      batch.current.head,
      { signer: 2, time: (time += 1000), body },
      signer.sigSk,
    );
    const step = batch.add(bytes);
    if (!step.ok) throw new Error(`long log entry ${out.length} refused: ${step.code}`);
    out.push(bytes);
  };
  for (let i = 0; i < Math.min(devices, length); i += 1) {
    const id = deviceIdentity(log.random(32), log.random(32));
    push({ kind: 'device-add', person: 0, sigPk: id.sigPk, boxPk: id.boxPk });
  }
  while (out.length < length) {
    if (link < 0) {
      const keys = deriveLinkKeys(log.random(32));
      link = batch.current.principals.length;
      push({
        kind: 'link-create',
        linkId: keys.linkId,
        linkAuthPk: keys.authPublicKey,
        linkBoxPk: keys.boxPublicKey,
        expiresS: 0,
        maxUses: 0,
        maxPasscodeFailures: 0,
        verifier: null,
        deposit: false,
        scope: [],
      });
    } else push({ kind: 'share-update', index: link, expiresS: 0, maxUses: out.length });
  }
  return out;
}
