/** The theme the user chose, remembered across launches; 'system' follows the OS. */
export type ThemeChoice = 'light' | 'dark' | 'system';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'cutline.theme';

/** The part of the page's localStorage used here (absent outside a page, e.g. in unit tests). */
interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
const storage = (): ChoiceStorage | undefined =>
  (globalThis as unknown as { localStorage?: ChoiceStorage }).localStorage;

export function loadThemeChoice(): ThemeChoice {
  try {
    const saved = storage()?.getItem(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    // Storage can be disabled (privacy settings, file:// in some browsers): follow the OS then.
    return 'system';
  }
}

export function saveThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') storage()?.removeItem(STORAGE_KEY);
    else storage()?.setItem(STORAGE_KEY, choice);
  } catch {
    // Not remembering is acceptable; the choice still applies to this window.
  }
}

export const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(choice: ThemeChoice, osPrefersDark: boolean): Theme {
  return choice === 'system' ? (osPrefersDark ? 'dark' : 'light') : choice;
}
