// Fuzzes the membership decoder and validator with random bytes and with damaged valid entries (flips,
// truncations, extensions, splices between entries): the decoder throws only MembershipError, the validator
// never throws and answers only membership codes. Seeded; CARNET_SEED reproduces, CARNET_LONG=1 runs 10x.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import {
  decodeEntry,
  initialState,
  isMembershipError,
  MEMBERSHIP_ERROR_CODES,
  validateEntry,
  type MembershipState,
} from '#protocol/membership/index';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { seededRandom } from '#tests/helpers/seeded-random';

const LONG = process.env.CARNET_LONG === '1';
const SEED = Number(process.env.CARNET_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = LONG ? 200_000 : 20_000;

beforeAll(async () => {
  await ready();
});

describe('membership decoder (fuzz)', () => {
  it(
    `survives ${CASES} random and damaged entries with typed errors only`,
    () => {
      const log = new MembershipLogBuilder('fuzz').genesis();
      log.addDevice(2, 0);
      const helper = log.addAssistant(2);
      const link = log.createLink(2, log.recordIds(4), { passcodeFailures: 3, deposit: true });
      log.claimLink(link);
      log.append(helper.index, { kind: 'scope-extend', index: link, records: log.recordIds(2) });
      log.append(2, { kind: 'close', newEpoch: log.newEpoch() });
      log.append(2, { kind: 'reopen' });
      const states: MembershipState[] = [initialState({ vaultId: log.vaultId, pinnedRelayPk: log.relay.sigPk })];
      for (const bytes of log.entries) {
        const r = validateEntry(states[states.length - 1] as MembershipState, bytes);
        if (!r.ok) throw new Error(r.code);
        states.push(r.state);
      }
      const random = seededRandom(SEED);
      const int = (n: number) => Math.floor(random() * n);
      const bytesOf = (n: number) => Uint8Array.from({ length: n }, () => int(256));
      const codes = new Set<string>(MEMBERSHIP_ERROR_CODES);
      const seen = new Map<string, number>();

      try {
        for (let i = 0; i < CASES; i++) {
          const which = int(log.entries.length);
          const genuine = log.entries[which] ?? new Uint8Array();
          let input: Uint8Array;
          switch (i % 6) {
            case 0: // pure noise
              input = bytesOf(int(600));
              break;
            case 1: // noise behind a valid header, so the kind decoders are reached
              input = Uint8Array.of(0x01, 0x10, 1 + int(0x13), ...bytesOf(int(400)));
              break;
            case 2: {
              // several random bytes changed
              input = genuine.slice();
              for (let k = 1 + int(4); k > 0; k--) input[int(input.length)] = int(256);
              break;
            }
            case 3: // truncated or extended
              input =
                random() < 0.5
                  ? genuine.slice(0, int(genuine.length))
                  : Uint8Array.of(...genuine, ...bytesOf(1 + int(8)));
              break;
            case 4: {
              // a splice of two entries
              const other = log.entries[int(log.entries.length)] ?? genuine;
              const cut = int(Math.min(genuine.length, other.length));
              input = Uint8Array.of(...genuine.slice(0, cut), ...other.slice(cut));
              break;
            }
            default: // a huge declared length or count
              input = genuine.slice();
              input.fill(0xff, 45, 45 + 1 + int(5));
          }
          try {
            decodeEntry(input);
          } catch (error) {
            if (!isMembershipError(error, 'member_bad_encoding')) throw error;
          }
          const result = validateEntry(states[which] ?? (states[0] as MembershipState), input);
          const code = result.ok ? 'ok' : result.code;
          seen.set(code, (seen.get(code) ?? 0) + 1);
          if (!result.ok && !codes.has(result.code)) throw new Error(`unexpected code ${result.code}`);
          // Anything accepted must be the genuine entry: no damaged variant validates.
          if (result.ok && input.some((b, at) => b !== genuine[at])) throw new Error('a damaged entry was accepted');
        }
      } catch (error) {
        console.error(`membership fuzz failed with CARNET_SEED=${SEED}`);
        throw error;
      }
      expect(seen.get('member_bad_encoding')).toBeGreaterThan(CASES / 3);
    },
    LONG ? 900_000 : 60_000,
  );
});
