import type { Component } from 'svelte';

/**
 * A component whose code is fetched when first wanted, then kept: `current` is undefined until it has loaded.
 * Made once per module (a page's `<script module>`), so a page shown again renders it at once, in the same
 * tick as the page: its afterNavigate and beforeNavigate hooks then see the navigation (a list's Back restores).
 *
 * @example
 * const overview = new LazyComponent(() => import('$lib/components/RecordOverview.svelte'));
 * overview.load(); // then, in the markup: {#if overview.current}<overview.current … />{/if}
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any props: the caller's markup types them
export class LazyComponent<C extends Component<any>> {
  current: C | undefined = $state.raw();
  /** Why the last load failed (offline before the app was ever cached); cleared by the next attempt. */
  failure: unknown = $state.raw();
  readonly #loader: () => Promise<{ default: C }>;
  #loading: Promise<void> | undefined;

  constructor(loader: () => Promise<{ default: C }>) {
    this.#loader = loader;
  }

  /** Fetches the code (once; again after a failure). Never rejects: a failure is in `failure`. */
  load(): Promise<void> {
    this.#loading ??= this.#loader().then(
      (module) => {
        this.current = module.default;
        this.failure = undefined;
      },
      (error: unknown) => {
        this.#loading = undefined;
        this.failure = error;
      },
    );
    return this.#loading;
  }
}
