// One axe check for every e2e spec: the same WCAG tags everywhere, and colours measured after their CSS
// transitions end (a loaded machine once caught buttons half way to the dark theme and reported their contrast).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
export type Theme = 'light' | 'dark';

/** Every violation on the page as it stands, as "rule: targets". */
export async function axeViolations(page: Page): Promise<string[]> {
  // A transition cancelled by a newer one rejects its `finished` with AbortError: wait again for what runs then.
  await page.evaluate(async () => {
    for (let round = 0; round < 10; round++) {
      const running = document
        .getAnimations()
        .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime !== Infinity);
      if (running.length === 0) return;
      await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    }
  });
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Fails with every violation's rule and targets: in the page's colours, or in each theme given (the page is left
 * in the light theme then).
 */
export async function expectNoAxeViolation(page: Page, screen: string, themes: readonly Theme[] = []): Promise<void> {
  if (themes.length === 0) {
    expect(await axeViolations(page), screen).toEqual([]);
    return;
  }
  for (const colorScheme of themes) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${screen} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
