export type ToastTone = 'info' | 'error';

export interface Toast {
  readonly id: number;
  readonly tone: ToastTone;
  /** A function, not a string, so the text follows a language switch while the toast is shown. */
  readonly text: () => string;
  /** A short technical reference a person can quote to support; never the message itself. */
  readonly reference?: string;
}

const MAX_TOASTS = 3;
const INFO_TIMEOUT_MS = 8000;

/** The messages shown in the toast region (web/lib/components/ToastRegion.svelte). */
class Toasts {
  items: Toast[] = $state([]);
  #nextId = 1;

  show(text: () => string, tone: ToastTone = 'info', reference?: string): number {
    const id = this.#nextId++;
    // The same message twice in a row (a retry loop, a burst of rejections) is shown once.
    const last = this.items.at(-1);
    if (last !== undefined && last.text() === text() && last.tone === tone) return last.id;
    this.items = [...this.items, { id, tone, text, reference }].slice(-MAX_TOASTS);
    // Errors stay until dismissed: a person may need time to read them. Information fades.
    if (tone === 'info') setTimeout(() => this.dismiss(id), INFO_TIMEOUT_MS);
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
