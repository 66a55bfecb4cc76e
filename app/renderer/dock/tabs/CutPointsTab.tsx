/** Placeholder: its owner replaces this file. */
export function CutPointsTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
