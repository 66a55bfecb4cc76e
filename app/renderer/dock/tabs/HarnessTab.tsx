/** Placeholder: its owner replaces this file. */
export function HarnessTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
