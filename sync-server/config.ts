import { parseArgs } from 'node:util';
import path from 'node:path';
import { isRelayOrigin } from '#protocol';
import { parseTrustedProxies } from './client-address.ts';
import { DEFAULT_LIMITS, LIMIT_ENV, type RelayLimits } from './limits/relay-limits.ts';
import { minBufferedBytes } from './limits/stream-budget.ts';
import type { VaultCreationMode, VaultCreationPolicy } from './limits/vault-admission.ts';

/** Everything the relay can be told at start, from the environment or from flags (flags win). */
export interface RelayConfig {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL when set, else SQLite under dataDir. */
  databaseUrl: string | undefined;
  /** Folder of the built PWA; undefined serves no app (a bare relay). */
  appDir: string | undefined;
  /** The public origin (https://carnet.example) when the relay sits behind a TLS proxy. */
  publicOrigin: string | undefined;
  /** Peers whose X-Forwarded-For names the client (the TLS proxy); empty = the header is ignored. */
  trustedProxies: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  limits: RelayLimits;
  /** Who may create vaults: VAULT_CREATION (open | invite | closed) and VAULT_INVITE_TOKEN. */
  vaultCreation: VaultCreationPolicy;
  /** The bearer token a Prometheus scraper sends to GET /metrics; unset, /metrics does not exist. */
  metricsToken: string | undefined;
}

export const HELP = `Carnet relay: serves the Carnet app and syncs end-to-end-encrypted records.

Usage: npm start -- [options]      (or: tsx sync-server/main.ts [options])

Options (each also read from the environment variable in brackets):
  --port N            port to listen on                         [PORT]          default 8787
  --host H            address to bind                           [HOST]          default 0.0.0.0
  --data-dir D        folder for the SQLite database            [DATA_DIR]      default ./data
  --database-url URL  use PostgreSQL instead of SQLite          [DATABASE_URL]  default unset
  --app-dir D         folder of the built app to serve          [APP_DIR]       default ./build
  --public-origin O   public https origin behind a TLS proxy    [PUBLIC_ORIGIN] default unset
  --trusted-proxies A proxies whose X-Forwarded-For is believed [TRUSTED_PROXIES] default unset
  --log-level L       debug | info | warn | error               [LOG_LEVEL]     default info
  -h, --help          print this help and exit

Vault creation (environment only):
  VAULT_CREATION           open | invite | closed                    default open
  VAULT_INVITE_TOKEN       token clients send in hello (invite mode; at least 16 characters)

Metrics (environment only):
  METRICS_TOKEN            bearer token for GET /metrics (Prometheus text; 32 to 256 characters); unset: no /metrics

Limits (environment only; positive integers):
${(Object.keys(LIMIT_ENV) as (keyof RelayLimits)[]).map((k) => `  ${LIMIT_ENV[k].padEnd(24)}default ${DEFAULT_LIMITS[k]}`).join('\n')}
`;

export type ParsedConfig =
  { kind: 'config'; config: RelayConfig } | { kind: 'help' } | { kind: 'error'; message: string };

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): ParsedConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'app-dir': { type: 'string' },
        'public-origin': { type: 'string' },
        'trusted-proxies': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: 'help' };

  const portText = values.port ?? env.PORT ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    return { kind: 'error', message: `PORT must be 0-65535, got "${portText}"` };

  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as RelayConfig['logLevel'])) {
    return { kind: 'error', message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` };
  }

  const publicOrigin = nonEmpty(values['public-origin'] ?? env.PUBLIC_ORIGIN);
  if (publicOrigin !== undefined && !isRelayOrigin(publicOrigin)) {
    return {
      kind: 'error',
      message: 'PUBLIC_ORIGIN must be an https origin such as https://carnet.example (no path; http only on localhost)',
    };
  }

  const databaseUrl = nonEmpty(values['database-url'] ?? env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return { kind: 'error', message: 'DATABASE_URL must start with postgres:// or postgresql://' };
  }

  const trustedProxies = parseTrustedProxies(values['trusted-proxies'] ?? env.TRUSTED_PROXIES);
  if ('error' in trustedProxies) return { kind: 'error', message: trustedProxies.error };

  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof RelayLimits)[]) {
    const text = env[LIMIT_ENV[key]];
    if (text === undefined || text === '') continue;
    if (!/^[1-9]\d{0,14}$/.test(text))
      return { kind: 'error', message: `${LIMIT_ENV[key]} must be a positive integer` };
    limits[key] = Number(text);
  }

  if (limits.maxBufferedBytes < minBufferedBytes(limits.maxFrameBytes))
    return {
      kind: 'error',
      message: `MAX_BUFFERED_BYTES must be at least MAX_FRAME_BYTES + 1 MiB (${minBufferedBytes(limits.maxFrameBytes)}), so a slow reader can always receive the largest frame`,
    };

  const mode = env.VAULT_CREATION === undefined || env.VAULT_CREATION === '' ? 'open' : env.VAULT_CREATION;
  if (!['open', 'invite', 'closed'].includes(mode))
    return { kind: 'error', message: 'VAULT_CREATION must be open, invite or closed' };
  const inviteToken = nonEmpty(env.VAULT_INVITE_TOKEN);
  if (mode === 'invite' && (inviteToken === undefined || inviteToken.length < 16 || inviteToken.length > 256))
    return { kind: 'error', message: 'VAULT_CREATION=invite needs VAULT_INVITE_TOKEN of 16 to 256 characters' };

  const metricsToken = nonEmpty(env.METRICS_TOKEN);
  if (metricsToken !== undefined && (metricsToken.length < 32 || metricsToken.length > 256 || /\s/.test(metricsToken)))
    return { kind: 'error', message: 'METRICS_TOKEN must be 32 to 256 characters without spaces' };

  return {
    kind: 'config',
    config: {
      port,
      host: values.host ?? env.HOST ?? '0.0.0.0',
      dataDir: path.resolve(cwd, values['data-dir'] ?? env.DATA_DIR ?? 'data'),
      databaseUrl,
      appDir: path.resolve(cwd, values['app-dir'] ?? env.APP_DIR ?? 'build'),
      publicOrigin,
      trustedProxies,
      logLevel: logLevel as RelayConfig['logLevel'],
      limits,
      vaultCreation: { mode: mode as VaultCreationMode, inviteToken },
      metricsToken,
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
