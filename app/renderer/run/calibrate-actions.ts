/**
 * This machine: the host's `profile` job times every layer of the open model in onnxruntime and
 * fits a `this-machine` device profile to it, with progress and Cancel; the profile can then run
 * any tier of the design (one undoable step, as picking a device in a lane header is).
 */
import type { ProfileArgs } from '../../shared/studio-api.js';
import { useStudio } from '../store/store.js';
import { selectCalibration } from './run-slice.js';
import { cancelHostJob, runHostJob } from './run-jobs.js';

export async function calibrateThisMachine(args: ProfileArgs): Promise<void> {
  const state = useStudio.getState();
  const { opened } = state;
  if (!opened || state.calibrationJob?.sessionId === opened.sessionId) return;
  const { sessionId } = opened;
  let jobId: string | null = null;
  state.runJobChanged('calibration', { sessionId, jobId, fraction: 0, message: 'Starting…' });
  const outcome = await runHostJob(
    sessionId,
    { kind: 'profile', args },
    {
      started: (id) => {
        jobId = id;
        useStudio
          .getState()
          .runJobChanged('calibration', { sessionId, jobId, fraction: 0, message: 'Starting…' });
      },
      progress: (fraction, message) =>
        useStudio.getState().runJobChanged('calibration', { sessionId, jobId, fraction, message }),
    },
  );
  useStudio
    .getState()
    .calibrationEnded(
      outcome.ok ? { record: { sessionId, result: outcome.value } } : { sessionId, error: outcome.error },
    );
}

/** Sessions whose kept calibration was asked for already: once per opened model is enough. */
const askedKept = new Set<string>();

/**
 * Shows the calibration this machine kept for the open model (its measurement table in the
 * config folder) with `threads` intra-op threads, timing nothing: a `profile` job with
 * `fromTable`. A model never calibrated here, or a host busy with other jobs, leaves the tab as it
 * was (no error to act on).
 */
export async function loadKeptCalibration(threads = 1): Promise<void> {
  const state = useStudio.getState();
  const { opened } = state;
  if (!opened || askedKept.has(opened.sessionId)) return;
  if (selectCalibration(state) || state.calibrationJob?.sessionId === opened.sessionId) return;
  const { sessionId } = opened;
  askedKept.add(sessionId);
  // One timed run with no warm-up asks the least of the table: any kept measurement answers.
  const outcome = await runHostJob(sessionId, {
    kind: 'profile',
    args: { runs: 1, warmup: 0, fromTable: true, threads },
  });
  const now = useStudio.getState();
  if (!outcome.ok || now.opened?.sessionId !== sessionId || selectCalibration(now)) return;
  if (now.calibrationJob?.sessionId === sessionId) return;
  now.calibrationEnded({ record: { sessionId, result: outcome.value } });
}

export function cancelCalibration(): void {
  const jobId = useStudio.getState().calibrationJob?.jobId;
  if (jobId) cancelHostJob(jobId);
}

/** Runs tier `tier` of the design on the calibrated profile (undoable). */
export function runTierOnThisMachine(tier: number): void {
  const state = useStudio.getState();
  const calibration = selectCalibration(state);
  if (calibration) state.setTierDevice(tier, calibration.result.profile);
}
