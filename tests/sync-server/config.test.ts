import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#sync-server/config';
import { DEFAULT_LIMITS } from '#sync-server/limits/relay-limits';

describe('parseConfig', () => {
  it('defaults to port 8787 and SQLite under ./data', () => {
    const parsed = parseConfig([], {}, '/srv/carnet');
    expect(parsed).toEqual({
      kind: 'config',
      config: {
        port: 8787,
        host: '0.0.0.0',
        dataDir: path.resolve('/srv/carnet/data'),
        databaseUrl: undefined,
        appDir: path.resolve('/srv/carnet/build'),
        publicOrigin: undefined,
        trustedProxies: [],
        logLevel: 'info',
        limits: DEFAULT_LIMITS,
        vaultCreation: { mode: 'open', inviteToken: undefined },
      },
    });
  });

  it('reads who may create vaults, and refuses invite mode without a long enough token', () => {
    const invite = parseConfig([], { VAULT_CREATION: 'invite', VAULT_INVITE_TOKEN: 'sixteen-chars-ok' }, '/');
    expect(invite.kind === 'config' && invite.config.vaultCreation).toEqual({
      mode: 'invite',
      inviteToken: 'sixteen-chars-ok',
    });
    expect(parseConfig([], { VAULT_CREATION: 'invite', VAULT_INVITE_TOKEN: 'short' }, '/').kind).toBe('error');
    expect(parseConfig([], { VAULT_CREATION: 'sometimes' }, '/').kind).toBe('error');
    expect(parseConfig([], { VAULT_CREATION: 'closed' }, '/')).toMatchObject({
      config: { vaultCreation: { mode: 'closed' } },
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', DATA_DIR: '/var/carnet', DATABASE_URL: 'postgres://u:p@db/carnet' };
    const parsed = parseConfig(['--port', '9100'], env, '/');
    expect(parsed.kind).toBe('config');
    if (parsed.kind !== 'config') return;
    expect(parsed.config).toMatchObject({
      port: 9100,
      host: '127.0.0.1',
      dataDir: '/var/carnet',
      databaseUrl: env.DATABASE_URL,
    });
  });

  it.each([
    [['--port', '70000'], {}, 'PORT'],
    [['--port=-1'], {}, 'PORT'],
    [[], { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [[], { LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [['--public-origin', 'https://carnet.example/app'], {}, 'PUBLIC_ORIGIN'],
    [[], { PUBLIC_ORIGIN: 'http://carnet.example' }, 'PUBLIC_ORIGIN'],
    [['--nope'], {}, 'nope'],
    [[], { MAX_FRAME_BYTES: '0' }, 'MAX_FRAME_BYTES'],
    [[], { MESSAGES_PER_SECOND: '1e3' }, 'MESSAGES_PER_SECOND'],
    // A slow reader could never receive the largest frame: the send queue closes it first (1013).
    [[], { MAX_BUFFERED_BYTES: '4194304' }, 'MAX_BUFFERED_BYTES must be at least MAX_FRAME_BYTES + 1 MiB'],
  ])('refuses %j %j with a message naming %s', (argv, env, word) => {
    const parsed = parseConfig(argv, env, '/');
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toContain(word);
  });

  it('reads every limit from the environment', () => {
    const parsed = parseConfig([], { MAX_FRAME_BYTES: '2048', CONNECTIONS_PER_MINUTE: '5' }, '/');
    expect(parsed.kind === 'config' && parsed.config.limits).toEqual({
      ...DEFAULT_LIMITS,
      maxFrameBytes: 2048,
      connectionsPerMinute: 5,
    });
  });

  it('recognises --help and -h', () => {
    expect(parseConfig(['--help'], {}, '/').kind).toBe('help');
    expect(parseConfig(['-h'], {}, '/').kind).toBe('help');
  });
});
