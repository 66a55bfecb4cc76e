import { memo, Suspense, type KeyboardEvent } from 'react';
import { useStudio, type Store } from '../store/store.js';
import { DockResizer } from './DockResizer.js';
import { DOCK_TAB_INFO } from './tabs.js';
import './dock.css';

const selectTab = (s: Store) => s.dockTab;

/** Left and Right (Home, End) move between the tabs, as a tab strip does; Enter or Space opens one. */
function moveBetweenTabs(event: KeyboardEvent<HTMLDivElement>): void {
  const step = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }[event.key];
  if (step === undefined) return;
  const tabs = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')];
  const at = tabs.findIndex((tab) => tab === document.activeElement);
  if (at < 0) return;
  event.preventDefault();
  const next = Number.isFinite(step)
    ? (at + step + tabs.length) % tabs.length
    : step < 0
      ? 0
      : tabs.length - 1;
  tabs[next]?.focus();
}
const selectHasModel = (s: Store) => s.opened !== null;
const selectHeight = (s: Store) => s.dockHeightPx;

/**
 * The dock: a tab strip always visible under the canvas (so every tool is one click away and
 * findable), and the open tab's panel above it. Clicking the open tab folds the dock.
 */
export const Dock = memo(function Dock() {
  const tab = useStudio(selectTab);
  const hasModel = useStudio(selectHasModel);
  const heightPx = useStudio(selectHeight);
  if (!hasModel) return null;
  const open = DOCK_TAB_INFO.find((info) => info.id === tab);
  return (
    <section
      className={`dock${open ? ' dock-open' : ''}`}
      aria-label={open ? `Tools: ${open.label}` : 'Tools (folded)'}
      style={open && heightPx !== null ? { height: `${heightPx}px` } : undefined}
    >
      {open && <DockResizer />}
      {open && (
        <div
          className="dock-panel"
          role="tabpanel"
          id={`dock-panel-${open.id}`}
          aria-labelledby={`dock-tab-${open.id}`}
        >
          <Suspense fallback={<p className="dock-empty">Loading {open.label}…</p>}>
            <open.Component />
          </Suspense>
        </div>
      )}
      <div className="dock-strip">
        {/* One Tab stop for the strip (the open tab, else the first); arrows move between tabs. */}
        <div className="dock-tabs" role="tablist" aria-label="Tools" onKeyDown={moveBetweenTabs}>
          {DOCK_TAB_INFO.map((info, i) => (
            <button
              key={info.id}
              type="button"
              role="tab"
              id={`dock-tab-${info.id}`}
              aria-selected={info.id === tab}
              aria-controls={info.id === tab ? `dock-panel-${info.id}` : undefined}
              tabIndex={info.id === tab || (open === undefined && i === 0) ? 0 : -1}
              title={info.title}
              onClick={() => useStudio.getState().toggleDock(info.id)}
            >
              {info.label}
            </button>
          ))}
        </div>
        {open && (
          <button
            type="button"
            className="dock-fold"
            aria-label="Fold the tools"
            title="Fold the tools (Esc)"
            onClick={() => useStudio.getState().closeDock()}
          >
            ▾
          </button>
        )}
      </div>
    </section>
  );
});
