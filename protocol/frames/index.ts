export * from './frame-types.ts';
export * from './wire-limits.ts';
export * from './frame-header.ts';
export * from './client-frames.ts';
export * from './relay-frames.ts';
export * from './envelope-header.ts';
export * from './handshake.ts';
