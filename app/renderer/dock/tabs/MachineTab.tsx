/** Placeholder: its owner replaces this file. */
export function MachineTab() {
  return <p className="dock-empty">Coming in this issue.</p>;
}
