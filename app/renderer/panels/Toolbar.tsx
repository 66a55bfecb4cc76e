import { useReactFlow } from '@xyflow/react';
import { memo, type ChangeEvent } from 'react';
import { FILE_INPUT_ID, openFile, openModelDialog, openSample } from '../actions/open-model.js';
import { fitGraph } from '../graph/viewport.js';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';
import { useResolvedTheme } from '../theme/use-theme.js';
import { openProjectDialog, openProjectFile, PROJECT_INPUT_ID } from '../actions/open-project.js';
import { saveProject } from '../actions/save-project.js';
import { RecentMenu } from './RecentMenu.js';
import { HistoryButtons } from './HistoryButtons.js';
import { SearchBox } from './SearchBox.js';
import { TopologyPicker } from './TopologyPicker.js';

const selectSamples = (s: Store) => s.samples;
const selectMetric = (s: Store) => s.metric;
const selectMetrics = (s: Store) => s.overlay.metrics;
const selectHasModel = (s: Store) => s.opened !== null;

const onFileChosen = (event: ChangeEvent<HTMLInputElement>): void => {
  const file = event.target.files?.[0];
  // Cleared so choosing the same file again still fires a change.
  event.target.value = '';
  // The picker was opened by Open…, which already asked about unsaved work.
  if (file) void openFile(file, true);
};

const onProjectChosen = (event: ChangeEvent<HTMLInputElement>): void => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) void openProjectFile(file, true);
};

const onSampleChosen = (event: ChangeEvent<HTMLSelectElement>): void => {
  const option = event.target.selectedOptions[0];
  event.target.value = '';
  if (option && option.value !== '') void openSample(option.value, option.text);
};

export const Toolbar = memo(function Toolbar() {
  const flow = useReactFlow();
  const samples = useStudio(selectSamples);
  const metric = useStudio(selectMetric);
  const metrics = useStudio(selectMetrics);
  const hasModel = useStudio(selectHasModel);
  const theme = useResolvedTheme();
  const other = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="toolbar" role="toolbar" aria-label="Studio">
      <button type="button" onClick={openModelDialog} title="Open an ONNX model (Ctrl+O)">
        Open…
      </button>
      <button type="button" onClick={openProjectDialog} title="Open a Cutline project (Ctrl+Shift+O)">
        Open project…
      </button>
      <button type="button" onClick={() => void saveProject(false)} title="Save the project (Ctrl+S)">
        Save
      </button>
      <button
        type="button"
        onClick={() => void saveProject(true)}
        title="Save the project to a new file (Ctrl+Shift+S)"
      >
        Save as…
      </button>
      <button
        type="button"
        onClick={() => useStudio.getState().openDock('export')}
        disabled={!hasModel}
        title="Export the design as a deployment bundle (Ctrl+E)"
      >
        Export…
      </button>
      <HistoryButtons />
      <input
        id={PROJECT_INPUT_ID}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Project file"
        onChange={onProjectChosen}
      />
      <RecentMenu />
      <input
        id={FILE_INPUT_ID}
        type="file"
        accept=".onnx,application/octet-stream"
        hidden
        aria-label="Model file"
        onChange={onFileChosen}
      />
      <select
        className="sample-menu"
        aria-label="Open a sample"
        value=""
        onChange={onSampleChosen}
        disabled={samples.length === 0}
      >
        <option value="">Samples…</option>
        {samples.map((sample) => (
          <option key={sample.id} value={sample.id} title={sample.description}>
            {sample.title}
          </option>
        ))}
      </select>
      <TopologyPicker />
      <SearchBox />
      <label className="metric-picker">
        Heat
        <select
          aria-label="Heat metric"
          value={metric}
          onChange={(event) => useStudio.getState().setMetric(event.target.value)}
        >
          {metrics.map((m) => (
            <option key={m.key} value={m.key}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={() => fitGraph(flow, selectCurrentGraph(useStudio.getState()), 200)}
        title="Fit the graph to the window (F)"
      >
        Fit
      </button>
      <button
        type="button"
        onClick={() => useStudio.getState().setTheme(other)}
        aria-label={`Switch to ${other} theme`}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </div>
  );
});
