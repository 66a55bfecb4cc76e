/**
 * Honest figures for a calibration. Fitting and scoring on the same nodes flatters the fit (the
 * in-sample figure); scoring each model with a profile fitted on the others (leave one model out)
 * and scoring models never used for fitting say how it predicts a model it has not seen, which is
 * what a device profile is for.
 */
import { calibrateHostProfile, type CalibrationOptions, type HostCalibration } from './calibrate.js';
import type { HostPeak } from './host-peak.js';
import type { OrtProfile } from './ort-profile.js';
import { compareProfile, summarizeAccuracy, type AccuracySummary, type ProfileComparison } from './report.js';

export interface EvaluatedSet {
  /** One comparison per model. */
  readonly models: readonly ProfileComparison[];
  /** Over every node of every model together. */
  readonly pooled: AccuracySummary;
}

export interface CalibrationEvaluation {
  /** The profile fitted on every calibration model. */
  readonly calibration: HostCalibration;
  /** Fitted on all calibration models and scored on them: optimistic by construction. */
  readonly inSample: EvaluatedSet;
  /** Each calibration model scored by a profile fitted on the other ones; empty for fewer than 2. */
  readonly leaveOneModelOut: EvaluatedSet;
  /** Models outside the calibration set, scored by the profile fitted on all of it. */
  readonly heldOut: EvaluatedSet;
}

export function evaluateCalibration(
  calibration: readonly OrtProfile[],
  heldOut: readonly OrtProfile[],
  peak: HostPeak,
  options: CalibrationOptions = {},
): CalibrationEvaluation {
  const fitted = calibrateHostProfile(calibration, peak, options);
  const { profile } = fitted;
  const score = (p: OrtProfile, device = profile): ProfileComparison =>
    compareProfile(p.analysis, p.measurement, device);
  const leaveOneOut =
    calibration.length < 2
      ? []
      : calibration.map((p, i) =>
          score(
            p,
            calibrateHostProfile(
              calibration.filter((_, j) => j !== i),
              peak,
              options,
            ).profile,
          ),
        );
  return {
    calibration: fitted,
    inSample: evaluatedSet(calibration.map((p) => score(p))),
    leaveOneModelOut: evaluatedSet(leaveOneOut),
    heldOut: evaluatedSet(heldOut.map((p) => score(p))),
  };
}

function evaluatedSet(models: readonly ProfileComparison[]): EvaluatedSet {
  return { models, pooled: summarizeAccuracy(models.flatMap((m) => m.nodes)) };
}
