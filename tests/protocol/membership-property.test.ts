// Seeded property tests of the membership validator: random valid logs replay to the state they were built
// with, and no single-byte change to any entry is ever accepted. CARNET_SEED replays a failure;
// CARNET_LONG=1 runs more logs and every byte position instead of a sample.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, toHex } from '#crypto';
import { initialState, validateEntry, validateLog, type MembershipState } from '#protocol/membership/index';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';

const LONG = process.env.CARNET_LONG === '1';
const LONG_TIMEOUT = LONG ? 900_000 : 30_000;
const SEED = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 2 ** 31));

beforeAll(async () => {
  await ready();
});

/** Run a property with the seed printed on failure, so `CARNET_SEED=<n>` reproduces it. */
function assertSeeded<T>(property: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns });
  } catch (error) {
    console.error(`membership property failed with CARNET_SEED=${SEED}`);
    throw error;
  }
}

const active = (s: MembershipState, test: (p: MembershipState['principals'][number]) => boolean) =>
  s.principals.filter((p) => p.status === 'active' && test(p)).map((p) => p.index);

/** Build a valid log by interpreting each action against the current state; inapplicable ones are skipped. */
function randomLog(seed: string, actions: readonly number[]): { log: MembershipLogBuilder; rotations: number } {
  const log = new MembershipLogBuilder(seed).genesis();
  let rotations = 0;
  for (const action of actions) {
    const s = log.state;
    const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(action / 16) % Math.max(xs.length, 1)];
    const patients = active(s, (p) => p.role === 'device' && p.person === 0);
    const members = active(s, (p) => p.role === 'device');
    const shares = active(s, (p) => p.share !== null);
    const patient = pick(patients) ?? 2;
    const member = pick(members) ?? patient;
    switch (action % 12) {
      case 0:
        log.addDevice(pick([...patients, s.recoveryIndex]) ?? patient, 0);
        break;
      case 1:
        log.addAssistant(member);
        break;
      case 2: {
        const person = s.principals[member]?.person ?? 0;
        if (s.persons[person]?.removedSeq === null) log.addDevice(member, person);
        break;
      }
      case 3: {
        // Keep one patient device so the log can go on.
        const target = pick(members.filter((i) => i !== patients[0]));
        if (target === undefined) break;
        log.removeDevice(patient, target);
        rotations++;
        break;
      }
      case 4: {
        const person = pick(s.persons.filter((p) => p.person > 0 && p.removedSeq === null));
        if (person === undefined) break;
        log.append(member, { kind: 'assistant-remove', person: person.person, newEpoch: log.newEpoch() });
        rotations++;
        break;
      }
      case 5:
        log.createLink(member, log.recordIds(action % 3), { deposit: action % 2 === 0, passcodeFailures: action % 4 });
        break;
      case 6: {
        const link = pick(shares.filter((i) => s.principals[i]?.role === 'link'));
        if (link !== undefined && !s.closed) log.claimLink(link);
        break;
      }
      case 7: {
        const share = pick(shares);
        if (share === undefined) break;
        log.append(member, { kind: 'revoke', index: share, newEpoch: log.newEpoch() });
        rotations++;
        break;
      }
      case 8: {
        const share = pick(shares);
        if (share !== undefined) log.append(member, { kind: 'scope-extend', index: share, records: log.recordIds(2) });
        break;
      }
      case 9:
        if (s.closed) log.append(member, { kind: 'reopen' });
        else {
          log.append(member, { kind: 'close', newEpoch: log.newEpoch() });
          rotations++;
        }
        break;
      case 10:
        log.append(member, { kind: 'rotate', reason: 3, newEpoch: log.newEpoch() });
        rotations++;
        break;
      default:
        log.append(member, { kind: 'record-delete', records: log.recordIds(1) });
    }
  }
  return { log, rotations };
}

const logArbitrary = fc.record({
  seed: fc.string({ minLength: 1, maxLength: 12 }),
  actions: fc.array(fc.nat({ max: 1023 }), { minLength: 1, maxLength: LONG ? 40 : 14 }),
});

describe('membership log (property)', () => {
  it(
    'random valid logs replay from genesis to the state they were built with',
    () => {
      assertSeeded(
        fc.property(logArbitrary, ({ seed, actions }) => {
          const { log, rotations } = randomLog(seed, actions);
          const replay = validateLog(
            initialState({ vaultId: log.vaultId, pinnedRelayPk: log.relay.sigPk }),
            log.entries,
          );
          if (!replay.ok) throw new Error(`replay refused entry ${replay.at}: ${replay.code}`);
          expect(replay.state.head?.seq).toBe(log.entries.length - 1);
          expect(toHex(replay.state.head?.hash ?? new Uint8Array())).toBe(
            toHex(log.state.head?.hash ?? new Uint8Array()),
          );
          expect(replay.state.epoch).toBe(rotations);
          expect(replay.state.epochs).toHaveLength(rotations + 1);
          expect(replay.state.principals.length).toBe(log.state.principals.length);
          // At least one patient device stays active, and every active device is a keyring recipient.
          expect(active(replay.state, (p) => p.role === 'device' && p.person === 0).length).toBeGreaterThan(0);
        }),
        LONG ? 300 : 40,
      );
    },
    LONG_TIMEOUT,
  );

  it(
    'never accepts an entry with any single byte changed',
    () => {
      assertSeeded(
        fc.property(
          logArbitrary,
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 40 }),
          ({ seed, actions }, mutations) => {
            const { log } = randomLog(seed, actions);
            // States before each entry, so each mutant is checked exactly where the genuine entry was accepted.
            const states: MembershipState[] = [initialState({ vaultId: log.vaultId, pinnedRelayPk: log.relay.sigPk })];
            for (const bytes of log.entries) {
              const r = validateEntry(states[states.length - 1] as MembershipState, bytes);
              if (!r.ok) throw new Error(r.code);
              states.push(r.state);
            }
            const positions: [number, number, number][] = LONG
              ? log.entries.flatMap((e, i) =>
                  Array.from({ length: e.length }, (_, at) => [i, at, 1 + (at % 255)] as [number, number, number]),
                )
              : mutations.map(([i, at, xor]) => [i % log.entries.length, at, xor]);
            for (const [i, at, xor] of positions) {
              const genuine = log.entries[i];
              const before = states[i];
              if (genuine === undefined || before === undefined) throw new Error('index');
              const mutant = genuine.slice();
              const position = at % mutant.length;
              mutant[position] = (mutant[position] ?? 0) ^ xor;
              const result = validateEntry(before, mutant);
              if (result.ok) throw new Error(`entry ${i} accepted with byte ${position} xor ${xor}`);
            }
          },
        ),
        LONG ? 20 : 25,
      );
    },
    LONG_TIMEOUT,
  );
});
