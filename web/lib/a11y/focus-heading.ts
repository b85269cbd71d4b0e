import { tick } from 'svelte';

/**
 * Moves focus to the page's main heading once the DOM has settled, so a screen reader starts reading the new
 * screen from its title and a keyboard user starts from the top of it. Headings carry tabindex="-1". After a
 * navigation the router has already put the scroll where it belongs (the top, or where the page was left when
 * going back): `preventScroll` keeps it there.
 */
export async function focusHeading({ preventScroll = false }: { preventScroll?: boolean } = {}): Promise<void> {
  await tick();
  const heading = document.querySelector<HTMLElement>('#main-content h1');
  if (heading === null) return;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll });
}
