export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'carnet-theme';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function isThemeChoice(value: unknown): value is ThemeChoice {
  return THEME_CHOICES.includes(value as ThemeChoice);
}

function readStoredChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isThemeChoice(stored) ? stored : 'system';
  } catch {
    // Storage can be refused (privacy settings): following the device is the right default then.
    return 'system';
  }
}

/** Light or dark: follows the device unless the person overrides it in Settings (remembered on this device). */
class ThemeState {
  choice: ThemeChoice = $state(readStoredChoice());

  /** Applies the choice to <html>; design-system.css reads data-theme. */
  apply(): void {
    const root = document.documentElement;
    if (this.choice === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = this.choice;
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Not remembered, still applied for this visit.
    }
    this.apply();
  }
}

export const themeState = new ThemeState();
