// `/metrics` in Prometheus text (issue 17, part 2): what an operator needs to see a relay's health and load.
// One registry per relay (no module state: tests run several relays side by side). Labels are frame types and
// wire error codes only, closed sets from protocol/: never a vault, principal or address, which would both grow
// without bound and say who uses the relay.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CLIENT_FRAME, RELAY_FRAME, type WireErrorCode } from '#protocol';

export interface RelayMetrics {
  readonly registry: Registry;
  /** A WebSocket was accepted (before the relay's own admission checks). */
  connectionOpened(): void;
  /** A message arrived: its frame type (binary) or `hello` (text), and its size. */
  received(data: string | Uint8Array): void;
  /** A message was handed to a socket: its frame type, and its size. */
  sent(data: string | Uint8Array): void;
  /** An error frame the relay answered with. */
  refused(code: WireErrorCode): void;
  /** A frame's handling ended: from its arrival (queueing behind the connection's earlier frames included). */
  handled(data: Uint8Array, seconds: number): void;
  /** Times each store call. */
  timeStore<T>(operation: string, run: () => Promise<T>): Promise<T>;
}

const NAME_OF_BYTE = new Map<number, string>(
  [...Object.entries(CLIENT_FRAME), ...Object.entries(RELAY_FRAME)].map(([name, byte]) => [byte, name]),
);

/** The frame type of a message, from its type byte (§12.1) or `text` for the JSON handshake. */
function frameType(data: string | Uint8Array): string {
  if (typeof data === 'string') return 'text';
  const byte = data[1];
  return byte === undefined ? 'unknown' : (NAME_OF_BYTE.get(byte) ?? 'unknown');
}

/** Seconds, with buckets from 1 ms to 10 s: a frame, a store call and a fan-out all land in this range. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export function createRelayMetrics(source: {
  sockets: () => number;
  cached: () => { vaults: number; records: number };
}): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'carnet_relay_' });
  const registers = [registry];
  const connections = new Counter({
    name: 'carnet_relay_connections_total',
    help: 'WebSocket connections accepted',
    registers,
  });
  new Gauge({
    name: 'carnet_relay_connections_open',
    help: 'WebSocket connections open now',
    registers,
    collect() {
      this.set(source.sockets());
    },
  });
  new Gauge({
    name: 'carnet_relay_vaults_cached',
    help: 'Vault hubs held in memory',
    registers,
    collect() {
      this.set(source.cached().vaults);
    },
  });
  new Gauge({
    name: 'carnet_relay_records_cached',
    help: 'Record states held in memory',
    registers,
    collect() {
      this.set(source.cached().records);
    },
  });
  const framesIn = new Counter({
    name: 'carnet_relay_frames_received_total',
    help: 'Messages received, by frame type',
    labelNames: ['type'],
    registers,
  });
  const bytesIn = new Counter({
    name: 'carnet_relay_frame_bytes_received_total',
    help: 'Bytes received in messages, by frame type',
    labelNames: ['type'],
    registers,
  });
  const framesOut = new Counter({
    name: 'carnet_relay_frames_sent_total',
    help: 'Messages sent, by frame type (a fan-out counts once per receiving socket)',
    labelNames: ['type'],
    registers,
  });
  const bytesOut = new Counter({
    name: 'carnet_relay_frame_bytes_sent_total',
    help: 'Bytes sent in messages, by frame type',
    labelNames: ['type'],
    registers,
  });
  const refusals = new Counter({
    name: 'carnet_relay_refusals_total',
    help: 'Error frames sent, by wire error code (docs/PROTOCOL.md section 21.1)',
    labelNames: ['code'],
    registers,
  });
  const handling = new Histogram({
    name: 'carnet_relay_frame_seconds',
    help: "From a frame's arrival to the end of its handling; for PUSH this ends after the fan-out (the fan-out lag)",
    labelNames: ['type'],
    buckets: SECONDS,
    registers,
  });
  const store = new Histogram({
    name: 'carnet_relay_store_seconds',
    help: 'Store call latency, by operation',
    labelNames: ['operation'],
    buckets: SECONDS,
    registers,
  });

  return {
    registry,
    connectionOpened: () => connections.inc(),
    received(data) {
      const type = frameType(data);
      framesIn.inc({ type });
      bytesIn.inc({ type }, data.length);
    },
    sent(data) {
      const type = frameType(data);
      framesOut.inc({ type });
      bytesOut.inc({ type }, data.length);
    },
    refused: (code) => refusals.inc({ code }),
    handled: (data, seconds) => handling.observe({ type: frameType(data) }, seconds),
    async timeStore(operation, run) {
      const end = store.startTimer({ operation });
      try {
        return await run();
      } finally {
        end();
      }
    },
  };
}
