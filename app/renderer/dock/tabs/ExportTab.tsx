/** Placeholder: its owner replaces this file. */
export function ExportTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
