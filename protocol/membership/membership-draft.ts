// Issue 12: validating an append of k entries on a state of n principals must cost O(n + k), not O(n·k). The
// validator used to copy the principal list, the key set and the link map once per entry. A draft copies each
// collection at most once (on its first write) and is then written in place; `freeze` hands the result out as
// an ordinary immutable state and forgets ownership, so the next write copies again. The state the draft
// started from is never written: callers keep it if the append is refused or its transaction fails.
import type { MembershipState, Person, Principal, RelayPin, EpochInfo } from './membership-state.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export class MembershipDraft {
  readonly #s: Writable<MembershipState>;
  #principals: Principal[] | null = null;
  #persons: Person[] | null = null;
  #epochs: EpochInfo[] | null = null;
  #relays: RelayPin[] | null = null;
  #namedKeys: Set<string> | null = null;
  #linkIds: Map<string, number> | null = null;
  #deletedRecords: Set<string> | null = null;

  constructor(base: MembershipState) {
    this.#s = { ...base };
  }

  /** The current state, for reads. Valid until the next write; never handed out beyond a validation step. */
  get state(): MembershipState {
    return this.#s;
  }

  /** Scalar fields (head, epoch, closed, recoveryIndex…). */
  set<K extends 'head' | 'epoch' | 'epochStartSeq' | 'closed' | 'recoveryIndex'>(
    key: K,
    value: MembershipState[K],
  ): void {
    this.#s[key] = value;
  }

  principals(): Principal[] {
    this.#principals ??= this.#s.principals.slice();
    this.#s.principals = this.#principals;
    return this.#principals;
  }

  persons(): Person[] {
    this.#persons ??= this.#s.persons.slice();
    this.#s.persons = this.#persons;
    return this.#persons;
  }

  epochs(): EpochInfo[] {
    this.#epochs ??= this.#s.epochs.slice();
    this.#s.epochs = this.#epochs;
    return this.#epochs;
  }

  relays(): RelayPin[] {
    this.#relays ??= this.#s.relays.slice();
    this.#s.relays = this.#relays;
    return this.#relays;
  }

  namedKeys(): Set<string> {
    this.#namedKeys ??= new Set(this.#s.namedKeys);
    this.#s.namedKeys = this.#namedKeys;
    return this.#namedKeys;
  }

  linkIds(): Map<string, number> {
    this.#linkIds ??= new Map(this.#s.linkIds);
    this.#s.linkIds = this.#linkIds;
    return this.#linkIds;
  }

  deletedRecords(): Set<string> {
    this.#deletedRecords ??= new Set(this.#s.deletedRecords);
    this.#s.deletedRecords = this.#deletedRecords;
    return this.#deletedRecords;
  }

  /** The draft as an immutable state; later writes to the draft copy again and never reach it. */
  freeze(): MembershipState {
    this.#principals = this.#persons = this.#epochs = this.#relays = null;
    this.#namedKeys = this.#deletedRecords = null;
    this.#linkIds = null;
    return { ...this.#s };
  }
}
