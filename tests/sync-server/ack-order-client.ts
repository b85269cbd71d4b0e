// Child process of the ack-after-commit check (relay-checks.ts): a client on its own event loop, so it sees an
// ACK the moment the relay writes it even while the relay's process is held inside the store's commit probe.
// Usage: node --import tsx tests/sync-server/ack-order-client.ts <wsUrl> <port> <builder seed> <pushes>
// Prints one JSON line: { acks: [{ rv, at }] } with `at` in epoch milliseconds (sub-millisecond precision).
import { ready } from '#crypto';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { createVault, localOrigin, RelayClient, updateEnvelope } from '#tests/helpers/relay-client';

const [url = '', port = '0', seed = '', pushes = '3'] = process.argv.slice(2);
await ready();
const log = new MembershipLogBuilder(seed).genesis();
const origin = localOrigin(Number(port));
const client = await RelayClient.connect(url, log.relay.sigPk, origin);
const created = await createVault(client, log, origin);
if (created.type !== 'SESSION') throw new Error(`vault not created: ${JSON.stringify(created)}`);
const record = new Uint8Array(16).fill(3);
const envelopes = Array.from({ length: Number(pushes) }, (_, i) => updateEnvelope(log, 2, record, i + 1));
const acks: { rv: number; at: number }[] = [];
for (const envelope of envelopes) {
  const reply = await client.request({ type: 'PUSH', recordId: record, updates: [envelope] });
  const at = performance.timeOrigin + performance.now();
  if (reply.type !== 'ACK') throw new Error(`push refused: ${JSON.stringify(reply)}`);
  acks.push({ rv: reply.value, at });
}
process.stdout.write(JSON.stringify({ acks }) + '\n');
client.close();
process.exit(0);
