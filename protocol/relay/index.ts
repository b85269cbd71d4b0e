export * from './is-relay-origin.ts';
export * from './relay-well-known.ts';
