import { useState } from 'react';
import { dataDependentBoundTitle, selectDataDependentCount } from '../graph/data-dependent.js';
import { useStudio } from '../store/store.js';
import { JobError } from './JobProgress.js';
import { figuresDirOf, saveModelExplorerFigures, type FiguresOutcome } from './figures-actions.js';

/**
 * "Save figures for Model Explorer…" in the Export tab: the design's per-layer figures as Google
 * Model Explorer node-data files beside the bundle's folder, and the command that opens them.
 */
export function ModelExplorerFigures({ bundleDir }: { readonly bundleDir: string }) {
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<FiguresOutcome | null>(null);
  const dataDependent = useStudio(selectDataDependentCount);
  const save = async () => {
    setSaving(true);
    setOutcome(null);
    const result = await saveModelExplorerFigures(bundleDir);
    setSaving(false);
    setOutcome(result);
  };
  return (
    <div className="run-use" role="group" aria-label="Model Explorer figures">
      <button type="button" onClick={() => void save()} disabled={saving}>
        Save figures for Model Explorer…
      </button>
      {saving && <span className="run-note">Writing the figures…</span>}
      {outcome?.ok === false && <JobError error={outcome.error} label="Figures failed" />}
      {outcome?.ok === true && (
        <div className="run-note" role="status" aria-label="Model Explorer figures written">
          Wrote {outcome.result.files.length} node-data files to {outcome.outDir}.{' '}
          {outcome.result.command === null ? (
            'Open the model in Model Explorer (pip install model-explorer-onnx) and add them under "node data".'
          ) : (
            <>
              Open them with Model Explorer (pip install model-explorer-onnx):
              <pre className="run-command">{outcome.result.command}</pre>
            </>
          )}
          {/* Model Explorer shows plain numbers: say here which of them are bounds. */}
          {dataDependent > 0 && (
            <span className="bounded-figure" title={dataDependentBoundTitle(dataDependent)}>
              {' '}
              The predicted times of the{' '}
              {dataDependent === 1
                ? 'data-dependent layer are'
                : `${dataDependent} data-dependent layers are`}{' '}
              lower bounds (≥): Model Explorer shows them as plain numbers.
            </span>
          )}
        </div>
      )}
      {!outcome && !saving && (
        <p className="run-note">
          Each layer&apos;s costs, predicted time per tier, tier and time there in this design, as files
          Google Model Explorer shows over the same .onnx, in {figuresDirOf(bundleDir || 'FOLDER')}.
        </p>
      )}
    </div>
  );
}
