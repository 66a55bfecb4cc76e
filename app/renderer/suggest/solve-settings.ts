/**
 * The Suggestions tab's settings as a form, and back to the text `cutline solve` takes
 * (`--objective`, `--constraint`): the design keeps its objective and constraints in that text
 * (and saves them with the project), so the form is read from it and written back to it.
 * Pins are not among the design's constraints: they come from the canvas (`pin:LAYER=TIER`).
 */
import type { TierName } from '../../../core/profiles/types.js';
import { tierOf } from '../../../core/tiers.js';

export type ObjectiveKind = 'latency' | 'energy' | 'throughput' | 'weighted';

export interface SolveForm {
  readonly objective: ObjectiveKind;
  /** Weighted objective: the latency weight; the energy weight is 1 minus it (0 … 1). */
  readonly latencyWeight: number;
  readonly rawInputOnDevice: boolean;
  /** At least this many layers on the device before data leaves it; '' for none. */
  readonly minDeviceLayers: string;
  /** Memory limit per tier as typed (`512MiB`); '' or missing for the profile's capacity. */
  readonly memory: Readonly<Partial<Record<TierName, string>>>;
  /** Latency deadline, ms, as typed; '' for none. */
  readonly deadlineMs: string;
  /** Whether the canvas's pins become `pin:LAYER=TIER` constraints. */
  readonly keepPins: boolean;
  /** The tiers the solvers may use; null for all of the topology's. */
  readonly tiers: readonly TierName[] | null;
  /** Constraints the form has no field for (a hand-written project's), passed on as they are. */
  readonly extra: readonly string[];
}

export const DEFAULT_LATENCY_WEIGHT = 0.5;

/** The form the design's objective and constraints say. */
export function formFromDesign(objective: string, constraints: readonly string[]): SolveForm {
  let kind: ObjectiveKind = 'latency';
  let latencyWeight = DEFAULT_LATENCY_WEIGHT;
  const weighted = /^weighted:([0-9.eE+-]+),([0-9.eE+-]+)$/.exec(objective);
  if (objective === 'energy' || objective === 'throughput' || objective === 'latency') kind = objective;
  else if (weighted) {
    const a = Number(weighted[1]);
    const b = Number(weighted[2]);
    if (a >= 0 && b >= 0 && a + b > 0) {
      kind = 'weighted';
      latencyWeight = roundWeight(a / (a + b));
    }
  }
  let rawInputOnDevice = false;
  let minDeviceLayers = '';
  let deadlineMs = '';
  let tiers: TierName[] | null = null;
  const memory: Partial<Record<TierName, string>> = {};
  const extra: string[] = [];
  for (const text of constraints) {
    let m: RegExpExecArray | null;
    if (text === 'raw-input-on-device') rawInputOnDevice = true;
    else if ((m = /^min-device-layers=([0-9]+)$/.exec(text))) minDeviceLayers = m[1]!;
    else if ((m = /^deadline=([0-9]+(?:\.[0-9]+)?)(?:ms)?$/.exec(text))) deadlineMs = m[1]!;
    else if ((m = /^memory:(device|edge|cloud)=(.+)$/.exec(text))) memory[m[1] as TierName] = m[2]!;
    else if ((m = /^tiers=((?:device|edge|cloud)(?:,(?:device|edge|cloud))*)$/.exec(text)))
      tiers = m[1]!.split(',') as TierName[];
    else extra.push(text);
  }
  return {
    objective: kind,
    latencyWeight,
    rawInputOnDevice,
    minDeviceLayers,
    memory,
    deadlineMs,
    keepPins: true,
    tiers,
    extra,
  };
}

const roundWeight = (w: number): number => Math.round(Math.min(1, Math.max(0, w)) * 100) / 100;

/** `--objective` text: latency, energy, throughput or `weighted:A,B` (A + B = 1). */
export function objectiveText(form: Pick<SolveForm, 'objective' | 'latencyWeight'>): string {
  if (form.objective !== 'weighted') return form.objective;
  const a = roundWeight(form.latencyWeight);
  return `weighted:${a},${roundWeight(1 - a)}`;
}

export interface FieldProblem {
  /** Which field: `min-device-layers`, `deadline`, `memory:TIER`, `tiers`, `objective`. */
  readonly field: string;
  readonly message: string;
}

export type ConstraintTexts =
  | { readonly ok: true; readonly constraints: readonly string[] }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

const SIZE = /^[0-9]+(?:\.[0-9]+)?\s*(?:[kKmMgG]i?[bB]|[bB])?$/;

/**
 * The design's constraints (no pins) the form says, in a fixed order, or what is wrong with a
 * field; `topologyTiers` are the design's tiers, device first.
 */
export function constraintTexts(form: SolveForm, topologyTiers: readonly TierName[]): ConstraintTexts {
  const out: string[] = [];
  const problems: FieldProblem[] = [];
  if (form.objective === 'weighted' && !(form.latencyWeight >= 0 && form.latencyWeight <= 1)) {
    problems.push({ field: 'objective', message: 'The latency weight must be between 0 and 1.' });
  }
  if (form.rawInputOnDevice) out.push('raw-input-on-device');
  const k = form.minDeviceLayers.trim();
  if (k !== '') {
    if (/^[0-9]+$/.test(k)) {
      if (Number(k) > 0) out.push(`min-device-layers=${Number(k)}`);
    } else
      problems.push({
        field: 'min-device-layers',
        message: `"${k}" is not a number of layers: write a whole number such as 3.`,
      });
  }
  for (const tier of topologyTiers) {
    const size = form.memory[tier]?.trim() ?? '';
    if (size === '') continue;
    if (SIZE.test(size)) out.push(`memory:${tier}=${size.replace(/\s+/g, '')}`);
    else
      problems.push({
        field: `memory:${tier}`,
        message: `"${size}" is not a size: write e.g. 512MiB, 2GB or 1048576.`,
      });
  }
  const deadline = form.deadlineMs.trim();
  if (deadline !== '') {
    if (/^[0-9]+(?:\.[0-9]+)?$/.test(deadline) && Number(deadline) > 0) out.push(`deadline=${deadline}`);
    else
      problems.push({
        field: 'deadline',
        message: `"${deadline}" is not a deadline: write a number of milliseconds above 0, such as 40.`,
      });
  }
  if (form.tiers !== null) {
    const allowed = topologyTiers.filter((t) => t === 'device' || form.tiers!.includes(t));
    if (allowed.length < topologyTiers.length) out.push(`tiers=${allowed.join(',')}`);
  }
  out.push(...form.extra);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, constraints: out };
}

/** `pin:LAYER=TIER` for each pinned layer at its current tier, as the CLI reads a project's pins. */
export function pinConstraints(
  pins: readonly string[],
  placement: Readonly<Record<string, TierName>>,
): string[] {
  return pins.map((id) => `pin:${id}=${tierOf(placement, id)}`);
}

/** Everything the solvers are asked to keep: the form's constraints, then the pins if kept. */
export function solverConstraints(
  constraints: readonly string[],
  form: Pick<SolveForm, 'keepPins'>,
  pins: readonly string[],
  placement: Readonly<Record<string, TierName>>,
): string[] {
  return [...constraints, ...(form.keepPins ? pinConstraints(pins, placement) : [])];
}
