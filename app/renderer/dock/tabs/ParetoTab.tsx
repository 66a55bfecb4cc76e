/** Placeholder: its owner replaces this file. */
export function ParetoTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
