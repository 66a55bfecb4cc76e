/** Placeholder: its owner replaces this file. */
export function SuggestionsTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
