/** Placeholder: its owner replaces this file. */
export function SweepTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
