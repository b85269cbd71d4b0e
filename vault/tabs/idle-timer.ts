// Auto-lock (docs/PROTOCOL.md §18.5): the vault locks after the idle time the patient chose. Activity in any tab
// of the vault resets every tab's timer (the tab link relays it), so reading in one tab keeps the others open.

export interface IdleTimer {
  /** Something happened: start counting again. */
  reset(): void;
  setMinutes(minutes: number): void;
  stop(): void;
}

export function createIdleTimer(minutes: number, onIdle: () => void): IdleTimer {
  let ms = minutes * 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) onIdle();
    }, ms);
  };
  arm();
  return {
    reset: arm,
    setMinutes(next) {
      ms = next * 60_000;
      arm();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
