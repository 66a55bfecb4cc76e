import { useEffect, useId, useState, type FormEvent } from 'react';
import { CountField } from '../../run/CountField.js';
import { TIER_TITLES } from '../../../../core/tiers.js';
import { useStudio, type Store } from '../../store/store.js';
import { formatMs } from '../../util/format.js';
import {
  calibrateThisMachine,
  cancelCalibration,
  loadKeptCalibration,
  runTierOnThisMachine,
} from '../../run/calibrate-actions.js';
import { CalibrationChart } from '../../run/CalibrationChart.js';
import { MeasuredTable } from '../../run/MeasuredTable.js';
import { calibrationDay } from '../../run/measured-rows.js';
import { JobError, JobProgress } from '../../run/JobProgress.js';
import { OrtProfileImport } from '../../run/OrtProfileImport.js';
import { countOf, MAX_PROFILE_RUNS, MAX_PROFILE_THREADS } from '../../run/run-limits.js';
import {
  DEFAULT_CALIBRATION_FORM,
  selectCalibrationForm,
  type CalibrationForm,
} from '../../run/run-forms.js';
import {
  selectCalibration,
  selectCalibrationError,
  selectCalibrationJob,
  type CalibrationRecord,
} from '../../run/run-slice.js';
import '../../run/run.css';

const selectHasModel = (s: Store) => s.opened !== null;
const selectSessionId = (s: Store) => s.opened?.sessionId ?? null;
const selectTiers = (s: Store) => s.design?.topology.tiers ?? null;
const edit = (change: Partial<CalibrationForm>): void => {
  const state = useStudio.getState();
  state.setRunForm('calibration', {
    ...(selectCalibrationForm(state) ?? DEFAULT_CALIBRATION_FORM),
    ...change,
  });
};

/**
 * This machine: time every layer of the open model here (the `profile` job), fit a device
 * profile to it, show how well it predicts the layers it was fitted on, and run a tier of the
 * design on it.
 */
export function MachineTab() {
  const hasModel = useStudio(selectHasModel);
  const job = useStudio(selectCalibrationJob);
  const error = useStudio(selectCalibrationError);
  const calibration = useStudio(selectCalibration);
  const form = useStudio(selectCalibrationForm) ?? DEFAULT_CALIBRATION_FORM;
  const { runs, warmup } = form;
  // A form set without threads calibrates with the default, 1, as the harness runs each tier.
  const threads = form.threads ?? '1';
  const sessionId = useStudio(selectSessionId);
  const [remeasure, setRemeasure] = useState(false);
  // On by default: the roofline alone predicts a tier's compute far worse (docs/prediction.md).
  const [kernels, setKernels] = useState(true);
  const id = useId();
  // The calibration this machine kept for the model (config folder), shown without timing anything.
  // Kept measurements hold for the threads they were timed with: the form's (1 unless changed).
  const threadCount = countOf(threads, 1, MAX_PROFILE_THREADS);
  useEffect(() => {
    if (sessionId !== null) void loadKeptCalibration(threadCount ?? 1);
    // Once per opened model (loadKeptCalibration asks once): not again as the field is typed in.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId]);

  if (!hasModel) return <p className="dock-empty">Open a model to calibrate this machine on it.</p>;
  const runCount = countOf(runs, 1, MAX_PROFILE_RUNS);
  const warmupCount = countOf(warmup, 0, MAX_PROFILE_RUNS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (runCount !== null && warmupCount !== null && threadCount !== null)
      void calibrateThisMachine({
        runs: runCount,
        warmup: warmupCount,
        threads: threadCount,
        kernels,
        ...(remeasure ? { remeasure } : {}),
      });
  };

  return (
    <div className="run-tab">
      <form className="run-form" aria-label="Calibration options" onSubmit={submit}>
        <fieldset className="run-field-row" disabled={job !== null}>
          <CountField
            id={`${id}-runs`}
            label="Runs"
            min={1}
            max={MAX_PROFILE_RUNS}
            value={runs}
            invalid={runCount === null}
            title="Timed runs of the whole model; each layer's time is the median"
            onChange={(value) => edit({ runs: value })}
          />
          <CountField
            id={`${id}-warmup`}
            label="Warm-up"
            min={0}
            max={MAX_PROFILE_RUNS}
            value={warmup}
            invalid={warmupCount === null}
            title="Untimed runs first"
            onChange={(value) => edit({ warmup: value })}
          />
          <CountField
            id={`${id}-threads`}
            label="Threads"
            min={1}
            max={MAX_PROFILE_THREADS}
            value={threads}
            invalid={threadCount === null}
            title="onnxruntime intra-op threads to time with, as the tiers will run: the harness runs each tier with 1"
            onChange={(value) => edit({ threads: value })}
          />
          <label title="Time every layer again instead of reusing what earlier calibrations measured on this machine">
            <input
              type="checkbox"
              checked={remeasure}
              onChange={(event) => setRemeasure(event.target.checked)}
            />{' '}
            Measure again
          </label>
          <label title="Also time ~550 kernels with graph optimisations on and fit the kernel-level predictor, which predicts a tier's compute far closer than the per-layer fit alone">
            <input type="checkbox" checked={kernels} onChange={(event) => setKernels(event.target.checked)} />{' '}
            Kernel-level predictor (as tiers run it; about 30–60 s more)
          </label>
          <button
            type="submit"
            className="run-primary"
            disabled={runCount === null || warmupCount === null || threadCount === null}
          >
            Calibrate
          </button>
        </fieldset>
        {job && (
          <JobProgress
            label="Calibrating"
            fraction={job.fraction}
            message={job.message}
            canCancel={job.jobId !== null}
            onCancel={cancelCalibration}
          />
        )}
        {(runCount === null || warmupCount === null || threadCount === null) && (
          <span className="run-bad">
            Runs must be 1 to {MAX_PROFILE_RUNS}, warm-up 0 to {MAX_PROFILE_RUNS}, threads 1 to{' '}
            {MAX_PROFILE_THREADS}.
          </span>
        )}
      </form>
      <OrtProfileImport />
      {error && !job && <JobError error={error} label="Calibration failed" />}
      {calibration ? (
        <CalibrationView record={calibration} />
      ) : (
        !job && (
          <p className="dock-empty">
            Calibrate times every layer of the open model on this machine (a few seconds; the kernel-level
            predictor times kernels as a tier runs them, 30–60 s more), fits a device profile to the times and
            shows how well it predicts them; a tier of the design can then run on this machine.
          </p>
        )
      )}
    </div>
  );
}

function CalibrationView({ record }: { readonly record: CalibrationRecord }) {
  const { result } = record;
  return (
    <section className="run-result" aria-label="Calibration">
      <div className="run-columns">
        <dl className="run-figures" aria-label="This machine">
          <dt>Device</dt>
          <dd>{result.profile.name}</dd>
          <dt>Peak</dt>
          <dd>
            {result.peakGflops.toFixed(1)} GFLOP/s
            {result.peakKeptFrom &&
              `, kept from ${keptWhen(result.peakKeptFrom)} ("Measure again" measures it anew)`}
          </dd>
          <dt>Threads</dt>
          <dd>{threadsText(result.threads)}</dd>
          {result.inputValues && (
            <>
              <dt>Input values</dt>
              <dd>{valuesText(result.inputValues)}</dd>
            </>
          )}
          <dt>Whole model</dt>
          <dd>
            measured {formatMs(result.totalMeasuredMs)}, predicted {formatMs(result.totalPredictedMs)}
          </dd>
          <dt>Median |error|</dt>
          <dd>{result.medianAbsErrorPct.toFixed(1)} % per layer (in-sample)</dd>
          {result.profile.kernelModels && (
            <>
              <dt>Kernel-level</dt>
              <dd>{kernelText(result)}</dd>
            </>
          )}
          {result.kept && (
            <>
              <dt>Measurements</dt>
              <dd title={`Kept in ${result.kept.file}`}>{keptText(result)}</dd>
            </>
          )}
        </dl>
        <UseForTier record={record} />
      </div>
      <CalibrationChart result={result} />
      <MeasuredTable result={result} />
    </section>
  );
}

/** `2026-12-07 10:48 UTC`: when a kept figure was measured. */
const keptWhen = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The threads the calibration timed with, and how that compares with the harness's tiers. */
function threadsText(threads: number | undefined): string {
  if (threads === undefined) return "onnxruntime's default (the harness runs each tier with 1)";
  const count = `${threads} intra-op thread${threads === 1 ? '' : 's'}`;
  return threads === 1
    ? `${count}, as the harness runs each tier`
    : `${count} (the harness runs each tier with 1)`;
}

/** `sr = 16000, steps = 1,2`: the values the model was fed instead of random data. */
function valuesText(values: Readonly<Record<string, string>>): string {
  const list = Object.entries(values).map(([name, value]) => `${name} = ${value}`);
  return `${list.join(', ')} (fed to the model, as the figures assume)`;
}

/** The kernel-level predictor the profile carries: a segment run's fixed cost, and what was timed. */
function kernelText(result: CalibrationRecord['result']): string {
  const { profile, kernels } = result;
  const cost = `a segment run costs ${formatMs(profile.segmentOverheadMs ?? 0)} + ${formatMs(profile.tensorOverheadMs ?? 0)} per tensor`;
  const timed = kernels
    ? kernels.reused !== undefined && kernels.reused > 0
      ? `${kernels.kernels} kernels of ${kernels.models} models: ${kernels.timed ?? 0} timed now, ${kernels.reused} kept from earlier calibrations (${kernels.seconds.toFixed(0)} s)`
      : `${kernels.kernels} kernels of ${kernels.models} models timed in ${kernels.seconds.toFixed(0)} s`
    : 'kept from the last calibration';
  return `${cost}; ${timed}; the figures predict tiers on this machine with it`;
}

/** When the layers were measured, and what the calibration reused or timed. */
function keptText(result: CalibrationRecord['result']): string {
  const kept = result.kept!;
  const day = calibrationDay(result);
  const parts = [
    ...(day ? [`calibration ${day}`] : []),
    ...(kept.measured.length > 0 ? [`measured ${kept.measured.join(', ')}`] : []),
    ...(kept.reused.length > 0 ? [`reused ${kept.reused.join(', ')}`] : []),
  ];
  return `${parts.join('; ')}; kept for the next calibration`;
}

/** "Use as device of tier…": one undoable step, as picking a device in a lane header. */
function UseForTier({ record }: { readonly record: CalibrationRecord }) {
  const tiers = useStudio(selectTiers);
  const [tier, setTier] = useState(0);
  if (!tiers) return null;
  const profile = record.result.profile;
  const using = tiers.flatMap((t) => (t.device === profile ? [TIER_TITLES[t.name]] : []));
  return (
    <div className="run-use" role="group" aria-label="Use this machine">
      <label>
        Use as device of{' '}
        <select aria-label="Tier" value={tier} onChange={(event) => setTier(Number(event.target.value))}>
          {tiers.map((t, i) => (
            <option key={t.name} value={i}>
              {TIER_TITLES[t.name]} (now {t.device.name})
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        onClick={() => runTierOnThisMachine(tier)}
        disabled={tiers[tier]?.device === profile}
      >
        Use
      </button>
      {using.length > 0 && (
        <p className="run-note">{using.join(' and ')} run on this machine (Ctrl+Z undoes it).</p>
      )}
    </div>
  );
}
