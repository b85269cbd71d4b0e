import { describe, expect, it } from 'vitest';
import { MIN_PASSPHRASE_SCORE, ratePassphrase } from '../../web/lib/vault/rate-passphrase.ts';

describe(ratePassphrase.name, () => {
  it('refuses common passwords and says why', async () => {
    const sut = await ratePassphrase('password1');
    expect(sut.score).toBeLessThan(MIN_PASSPHRASE_SCORE);
    expect(sut.warning).toBe('common');
  });

  it('accepts four unrelated words', async () => {
    expect((await ratePassphrase('lamp river orange tuesday')).score).toBeGreaterThanOrEqual(MIN_PASSPHRASE_SCORE);
  });

  it('counts words from the person’s context as known', async () => {
    expect((await ratePassphrase('carnet', ['carnet'])).warning).toBe('personal');
  });

  it('rates nothing as nothing', async () => {
    expect(await ratePassphrase('')).toEqual({ score: 0, warning: null });
  });
});
