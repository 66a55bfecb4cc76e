import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef, type DragEvent } from 'react';
import { startHostSession } from './actions/host-session.js';
import { handleStudioKey } from './actions/keyboard.js';
import { openFile } from './actions/open-model.js';
import { startDesignSync } from './design/sync.js';
import { startMeasuredStaleness } from './run/measured-actions.js';
import { Dock } from './dock/Dock.js';
import { GraphCanvas } from './graph/GraphCanvas.js';
import { fitGraph } from './graph/viewport.js';
import { runLayouts } from './layout/layout-runner.js';
import { DetailsPanel } from './panels/DetailsPanel.js';
import { ErrorAlert } from './panels/ErrorAlert.js';
import { FiguresBar } from './panels/FiguresBar.js';
import { ProgressPanel } from './panels/ProgressPanel.js';
import { ShortcutsDialog } from './panels/ShortcutsDialog.js';
import { SummaryHeader } from './panels/SummaryHeader.js';
import { Toolbar } from './panels/Toolbar.js';
import { selectCurrentGraph } from './store/selectors.js';
import { useStudio } from './store/store.js';
import { useDocumentTheme } from './theme/use-theme.js';

const onDragOver = (event: DragEvent<HTMLDivElement>): void => {
  if (event.dataTransfer.types.includes('Files')) {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }
};

const onDrop = (event: DragEvent<HTMLDivElement>): void => {
  const file = event.dataTransfer.files[0];
  if (!file) return;
  event.preventDefault();
  void openFile(file);
};

export function App() {
  const flow = useReactFlow();
  useDocumentTheme();

  useEffect(() => runLayouts(), []);
  useEffect(() => startDesignSync(), []);
  useEffect(() => startMeasuredStaleness(), []);

  // The React Flow instance changes identity as the canvas mounts; the host session must not
  // restart with it (that would ask for the first model again), so commands read it from a ref.
  const flowRef = useRef(flow);
  useEffect(() => {
    flowRef.current = flow;
  }, [flow]);

  useEffect(
    () =>
      startHostSession((command) => {
        const current = flowRef.current;
        if (command === 'fit-view') fitGraph(current, selectCurrentGraph(useStudio.getState()), 200);
        else if (command === 'zoom-in') void current.zoomIn({ duration: 150 });
        else void current.zoomOut({ duration: 150 });
      }),
    [],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (handleStudioKey(event, flow)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [flow]);

  return (
    <div className="studio" onDragOver={onDragOver} onDrop={onDrop}>
      <header className="top-bar">
        <SummaryHeader />
        <Toolbar />
      </header>
      <FiguresBar />
      <ErrorAlert />
      <main className="workspace">
        <GraphCanvas />
        <DetailsPanel />
      </main>
      <Dock />
      <ProgressPanel />
      <ShortcutsDialog />
    </div>
  );
}
