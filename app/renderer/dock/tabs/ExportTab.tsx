import { useEffect, useId, useState, type FormEvent } from 'react';
import { hostHasNativeDialogs } from '../../api/studio-api.js';
import { useStudio, type Store } from '../../store/store.js';
import {
  cancelExport,
  chooseExportFolder,
  exportFromForm,
  suggestedExportDir,
} from '../../run/export-actions.js';
import { ExportResultView } from '../../run/ExportResultView.js';
import { JobError, JobProgress } from '../../run/JobProgress.js';
import { exportFormFrom, selectExportForm, type ExportForm } from '../../run/run-forms.js';
import { selectExportError, selectExportJob, selectLastExport } from '../../run/run-slice.js';
import { ServingChoice } from '../../run/ServingChoice.js';
import { ModelExplorerFigures } from '../../run/ModelExplorerFigures.js';
import type { StudioError } from '../../../shared/studio-api.js';
import '../../run/run.css';

const selectSessionId = (s: Store) => s.opened?.sessionId ?? null;
const selectHasDesign = (s: Store) => s.design !== null;
/** The form as typed in this session, else the last export's choices. */
const currentForm = (s: Store): ExportForm =>
  selectExportForm(s) ?? exportFormFrom(selectLastExport(s)?.args);
const edit = (change: Partial<ExportForm>): void => {
  const state = useStudio.getState();
  state.setRunForm('export', { ...currentForm(state), ...change });
};

/**
 * Export: where the bundle goes (the host's suggestion, a folder picked in Electron, or a path
 * typed), zip or not, replace or not, what the device does when a tier is unreachable, how the
 * bundle is served (relay or stock servers), verify or not; then progress with Cancel, and the
 * result with its segments, what else it holds, where its README is, and its verification.
 */
export function ExportTab() {
  const sessionId = useStudio(selectSessionId);
  const hasDesign = useStudio(selectHasDesign);
  const job = useStudio(selectExportJob);
  const error = useStudio(selectExportError);
  const last = useStudio(selectLastExport);
  const typed = useStudio(selectExportForm);
  const form = typed ?? exportFormFrom(last?.args);
  const { outDir, zip, force, verify, onUnreachable, serving, externalDataAbove, verifyWhole } = form;
  const [pickError, setPickError] = useState<StudioError | null>(null);
  // Folded unless a choice in it is already made: a set option never hides behind a closed fold.
  const [advancedOpen, setAdvancedOpen] = useState(externalDataAbove.trim() !== '' || verifyWhole);
  const id = useId();

  // After an export the folder stays the user's: the same one with "Replace" on (the job replaces
  // only a Cutline bundle, never another folder), else its first free sibling, which the host
  // found (NAME-2 …); exporting again to the folder just written would be refused. The host's
  // default suggestion fills an empty field, or stands in when the host named no sibling.
  const written = last?.args.outDir ?? null;
  const sibling = last?.result.nextOutDir ?? null;
  useEffect(() => {
    if (sessionId === null) return;
    if (written !== null && sibling !== null && outDir === written && !force) {
      edit({ outDir: sibling });
      return;
    }
    const stale = (dir: string): boolean => dir === '' || (dir === written && !force);
    if (!stale(outDir)) return;
    let live = true;
    void suggestedExportDir(sessionId).then((dir) => {
      if (live && dir !== '' && stale(currentForm(useStudio.getState()).outDir)) edit({ outDir: dir });
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- asked again for a new session or bundle only.
  }, [sessionId, written]);

  if (!hasDesign) return <p className="dock-empty">Open a model to export its design.</p>;

  const choose = async () => {
    setPickError(null);
    const chosen = await chooseExportFolder(outDir);
    if (chosen && 'path' in chosen) edit({ outDir: chosen.path });
    else if (chosen) setPickError(chosen.error);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void exportFromForm(form);
  };

  return (
    <div className="run-tab">
      <form className="run-form" aria-label="Export options" onSubmit={submit}>
        <div className="run-field-row">
          <label htmlFor={`${id}-dir`}>Folder</label>
          <input
            id={`${id}-dir`}
            className="run-path"
            type="text"
            aria-label="Bundle folder"
            value={outDir}
            spellCheck={false}
            onChange={(event) => edit({ outDir: event.target.value })}
            title="The bundle's folder on the studio's host: created, or replaced when allowed"
          />
          {hostHasNativeDialogs() && (
            <button type="button" onClick={() => void choose()} disabled={job !== null}>
              Choose…
            </button>
          )}
        </div>
        <div className="run-field-row">
          <label>
            <input type="checkbox" checked={zip} onChange={(event) => edit({ zip: event.target.checked })} />{' '}
            Zip
          </label>
          <label title="Without this, an existing folder is left alone and the export says so">
            <input
              type="checkbox"
              checked={force}
              onChange={(event) => edit({ force: event.target.checked })}
            />{' '}
            Replace existing folder
          </label>
          <label title="Run the split and the whole model in onnxruntime on the same input and compare">
            <input
              type="checkbox"
              checked={verify}
              onChange={(event) => edit({ verify: event.target.checked })}
            />{' '}
            Verify
          </label>
        </div>
        <fieldset className="run-radios">
          <legend>When a tier is unreachable</legend>
          <label>
            <input
              type="radio"
              name={`${id}-unreachable`}
              checked={onUnreachable === 'fail'}
              onChange={() => edit({ onUnreachable: 'fail' })}
            />{' '}
            fail the request
          </label>
          <label title="The bundle then carries the whole model for the device: a second copy of every weight">
            <input
              type="radio"
              name={`${id}-unreachable`}
              checked={onUnreachable === 'local'}
              onChange={() => edit({ onUnreachable: 'local' })}
            />{' '}
            run the whole model on the device
          </label>
        </fieldset>
        <ServingChoice serving={serving} onChange={(choice) => edit({ serving: choice })} />
        <details
          className="run-advanced"
          open={advancedOpen}
          onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
        >
          <summary>Advanced</summary>
          <div className="run-field-row">
            <label htmlFor={`${id}-external`}>Write weights as external data above</label>
            <input
              id={`${id}-external`}
              className="run-size"
              type="text"
              value={externalDataAbove}
              placeholder="automatic"
              spellCheck={false}
              onChange={(event) => edit({ externalDataAbove: event.target.value })}
              aria-describedby={`${id}-external-help`}
            />
          </div>
          <p id={`${id}-external-help`} className="run-help">
            A size such as 64 MiB, 1.5 GB or 4096 (bytes): each sub-model whose weights are over it is written
            as NAME.onnx with its weights in NAME.onnx.data beside it. Empty: only when they are over 2 GiB
            (protobuf's limit) or the model itself has external data.
          </p>
          <label title="Verification runs the whole model when this machine's free memory is expected to hold it; otherwise it runs and chains the segments without comparing">
            <input
              type="checkbox"
              checked={verifyWhole}
              disabled={!verify}
              onChange={(event) => edit({ verifyWhole: event.target.checked })}
            />{' '}
            Compare with the whole model even when it may not fit in memory
          </label>
        </details>
        <div className="run-field-row">
          <button type="submit" className="run-primary" disabled={job !== null}>
            Export
          </button>
          {job && (
            <JobProgress
              label="Exporting"
              fraction={job.fraction}
              message={job.message}
              canCancel={job.jobId !== null}
              onCancel={cancelExport}
            />
          )}
        </div>
      </form>
      <ModelExplorerFigures bundleDir={outDir} />
      {pickError && <JobError error={pickError} label="Folder problem" />}
      {error && !job && <JobError error={error} label="Export failed" />}
      {last ? (
        <ExportResultView record={last} />
      ) : (
        !job && (
          <p className="dock-empty">
            Export writes the design on the canvas, the split the figures bar shows, as a deployment bundle:
            one ONNX file per tier segment (with its weights in a data file beside it when they are large),
            the manifest, a runtime, Dockerfile and run.sh per tier, and a README with the commands for each
            machine. With Stock servers, Triton, KServe or any OIP server serves the segments and the device
            calls each one. Verify runs the split against the whole model in onnxruntime. Then Run plays it
            here.
          </p>
        )
      )}
    </div>
  );
}
