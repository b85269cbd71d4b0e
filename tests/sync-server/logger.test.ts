import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '#sync-server/logger';

describe('structured logger', () => {
  it('writes one JSON object per line with time, level and message', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line), clock: () => 0 });
    logger.debug('hidden');
    logger.info('hello', { sockets: 3 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'hello',
      sockets: 3,
    });
  });

  it('redacts secret-looking fields and credentials inside URLs', () => {
    expect(
      redact({
        passphrase: 'hunter2',
        linkSecret: 'abc',
        signingKey: 'k',
        authorization: 'Bearer x',
        url: 'postgres://carnet:s3cret@db:5432/carnet',
        count: 2,
      }),
    ).toEqual({
      passphrase: '[redacted]',
      linkSecret: '[redacted]',
      signingKey: '[redacted]',
      authorization: '[redacted]',
      url: 'postgres://[redacted]@db:5432/carnet',
      count: 2,
    });
  });

  it('redacts secret-looking fields at any depth, in objects, arrays and maps', () => {
    const line = redact({
      request: { headers: { authorization: 'Bearer x', accept: 'json' }, body: [{ linkSecret: 'abc', n: 1 }] },
      peers: new Map([['a', { sessionToken: 't', url: 'https://u:p@h/' }]]),
      count: 2,
    });
    expect(line).toEqual({
      request: { headers: { authorization: '[redacted]', accept: 'json' }, body: [{ linkSecret: '[redacted]', n: 1 }] },
      peers: { a: { sessionToken: '[redacted]', url: 'https://[redacted]@h/' } },
      count: 2,
    });
    expect(JSON.stringify(line)).not.toMatch(/Bearer x|abc|"t"|u:p/);
  });

  it("keeps an error's name, message, stack, code and cause chain, each redacted", () => {
    const root = Object.assign(new Error('connect to postgres://carnet:s3cret@db:5432 failed'), {
      code: 'ECONNREFUSED',
    });
    const middle = new Error('store unavailable', { cause: { op: 'insert', privateKey: new Uint8Array(32), root } });
    const top = new Error('frame failed', { cause: middle });
    const out = redact({ error: top }) as { error: Record<string, unknown> };
    expect(out.error['name']).toBe('Error');
    expect(out.error['message']).toBe('frame failed');
    expect(out.error['stack']).toMatch(/^Error: frame failed\n\s+at /);
    const cause = out.error['cause'] as Record<string, unknown>;
    expect(cause['message']).toBe('store unavailable');
    expect(cause['stack']).toMatch(/store unavailable/);
    const inner = cause['cause'] as Record<string, unknown>;
    expect(inner['privateKey']).toBe('[redacted]');
    expect(inner['root']).toMatchObject({
      name: 'Error',
      message: 'connect to postgres://[redacted]@db:5432 failed',
      code: 'ECONNREFUSED',
    });
    expect(JSON.stringify(out)).not.toContain('s3cret');
  });

  it('logs bytes as their length, and survives cycles, depth and size', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const out = redact({
      blob: new Uint8Array([1, 2, 3]),
      buffer: Buffer.from('sealed envelope bytes'),
      cyclic,
      deep,
      many: Array.from({ length: 60 }, (_, i) => i),
      big: 12n,
    });
    expect(out['blob']).toBe('[3 bytes]');
    expect(out['buffer']).toBe('[21 bytes]');
    expect(out['cyclic']).toEqual({ name: 'loop', self: '[circular]' });
    expect(JSON.stringify(out['deep'])).toContain('[too deep]');
    expect((out['many'] as unknown[]).at(-1)).toBe('[10 more]');
    expect(out['big']).toBe('12');
    expect(JSON.stringify(out)).not.toContain('sealed envelope');
  });

  it('writes an error with its stack and cause through the logger as one parseable line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line), clock: () => 0 });
    logger.error('request failed to postgres://a:b@db/', {
      error: new TypeError('bad', { cause: new RangeError('deeper') }),
    });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '') as { msg: string; error: { stack: string; cause: { name: string } } };
    expect(parsed.msg).toBe('request failed to postgres://[redacted]@db/');
    expect(parsed.error.stack).toMatch(/^TypeError: bad\n/);
    expect(parsed.error.cause.name).toBe('RangeError');
  });
});
