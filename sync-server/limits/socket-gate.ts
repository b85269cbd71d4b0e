/** Why a new socket was turned away, or undefined when it may open. */
export type GateRefusal = 'address' | 'total' | undefined;

export interface SocketGate {
  /** Counts an open socket of `address`; a refusal counts nothing. */
  enter(address: string): GateRefusal;
  /** Forgets a socket that `enter` admitted. */
  leave(address: string): void;
  /** Open sockets counted, for tests. */
  size(): number;
}

/**
 * Caps sockets open at the same time, per client address and in total (README, "Limits"). The rate of new
 * connections is capped elsewhere (address-limiter.ts); this caps how many one address can hold open at once,
 * since each pins buffers. The table holds only addresses with an open socket, so it is bounded by `total`.
 */
export function createSocketGate(options: { perAddress: number; total: number }): SocketGate {
  const open = new Map<string, number>();
  let count = 0;
  return {
    enter: (address) => {
      if (count >= options.total) return 'total';
      const mine = open.get(address) ?? 0;
      if (mine >= options.perAddress) return 'address';
      open.set(address, mine + 1);
      count += 1;
      return undefined;
    },
    leave: (address) => {
      const mine = open.get(address) ?? 0;
      if (mine <= 0) return;
      if (mine === 1) open.delete(address);
      else open.set(address, mine - 1);
      count -= 1;
    },
    size: () => count,
  };
}
