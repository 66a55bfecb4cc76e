/** The theme in effect: the user's choice, or the OS preference while the choice is 'system'. */
import { useEffect, useSyncExternalStore } from 'react';
import { useStudio, type Store } from '../store/store.js';
import { DARK_QUERY, resolveTheme, type Theme } from './theme-choice.js';

const selectTheme = (s: Store) => s.theme;

const subscribeToOs = (onChange: () => void): (() => void) => {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};
const osPrefersDark = (): boolean => window.matchMedia(DARK_QUERY).matches;

export function useResolvedTheme(): Theme {
  const choice = useStudio(selectTheme);
  const dark = useSyncExternalStore(subscribeToOs, osPrefersDark);
  return resolveTheme(choice, dark);
}

/** Puts the theme on the document root (`data-theme`), where the CSS variables switch on it. */
export function useDocumentTheme(): void {
  const theme = useResolvedTheme();
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
}
