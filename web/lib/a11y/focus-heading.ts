import { tick } from 'svelte';

/**
 * Moves focus to the page's main heading once the DOM has settled, so a screen reader starts reading the new
 * screen from its title and a keyboard user starts from the top of it. Headings carry tabindex="-1".
 */
export async function focusHeading(): Promise<void> {
  await tick();
  const heading = document.querySelector<HTMLElement>('#main-content h1');
  if (heading === null) return;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
}
