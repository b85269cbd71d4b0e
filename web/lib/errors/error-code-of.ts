import type { WireErrorCode } from '#protocol';
import { AppError, type AppErrorCode } from './app-error.ts';

/**
 * What each relay error code means for a person. A Record, so a new wire code fails the type check
 * here until someone decides what to tell people about it.
 */
const WIRE_TO_APP: Record<WireErrorCode, AppErrorCode> = {
  bad_frame: 'relay-failed',
  unknown_frame: 'app-outdated',
  unsupported_version: 'app-outdated',
  frame_too_large: 'too-large',
  rate_limited: 'relay-busy',
  too_many_connections: 'relay-busy',
  internal: 'relay-failed',
};

function isWireErrorCode(value: unknown): value is WireErrorCode {
  return typeof value === 'string' && Object.hasOwn(WIRE_TO_APP, value);
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Classifies anything thrown or rejected (ours, the browser's, the relay's) into an AppErrorCode. */
export function errorCodeOf(error: unknown): AppErrorCode {
  if (error instanceof AppError) return error.code;
  const code = propertyOf(error, 'code');
  if (isWireErrorCode(code)) return WIRE_TO_APP[code];
  if (propertyOf(error, 'status') === 404) return 'not-found';
  if (error instanceof DOMException) {
    if (error.name === 'QuotaExceededError') return 'storage-full';
    if (error.name === 'SecurityError' || error.name === 'InvalidStateError') return 'storage-unavailable';
    if (error.name === 'NetworkError') return navigator.onLine ? 'relay-unreachable' : 'network-offline';
  }
  // fetch() rejects with a TypeError when the network is down or the server cannot be reached.
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return navigator.onLine ? 'relay-unreachable' : 'network-offline';
  }
  const cause = propertyOf(error, 'cause');
  if (cause !== undefined && cause !== error) return errorCodeOf(cause);
  return 'unknown';
}
