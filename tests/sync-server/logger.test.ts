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
});
