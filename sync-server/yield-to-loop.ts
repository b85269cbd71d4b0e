/**
 * One turn of the event loop (after pending I/O): long relay work (a log replay, an append's signature checks)
 * awaits it between slices so one client's work never holds up every other socket (issue 12).
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
