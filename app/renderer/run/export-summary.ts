/**
 * What the Export result says, as data the view draws: the verification line (passed, failed,
 * not compared, off) and each segment's files. Kept out of the view so the wording — above all
 * that a skipped comparison never reads as a passed one — is tested without a DOM.
 */
import type { ExportResult } from '../../shared/studio-api.js';
import type { ExportElementDifference } from '../../shared/studio-jobs.js';
import {
  elementWords,
  formatDifference,
  verificationWords,
  type NamedDifference,
} from '../../../core/export/verification-words.js';
import { formatBytes, formatDiff } from '../util/format.js';

export type VerificationTone = 'ok' | 'bad' | 'skipped' | 'off';

export interface VerificationLine {
  readonly tone: VerificationTone;
  readonly text: string;
  /** The outputs compared and the tolerance rule, for the line's tooltip; null when nothing was compared. */
  readonly detail: string | null;
}

export function verificationLine(verification: ExportResult['verification']): VerificationLine {
  if (!verification) return { tone: 'off', text: 'Not verified (verification was off).', detail: null };
  const { maxAbsDiff, outputs, tolerance, ok, wholeModel, skippedBecause } = verification;
  if (wholeModel === 'skipped') {
    // Its maxAbsDiff of 0 and ok of true mean "nothing compared", not "equal": never show them.
    return {
      tone: 'skipped',
      text: `Not compared with the whole model: ${skippedBecause ?? 'it may not fit in memory'}. The segments ran and chained in onnxruntime, so the bundle loads and runs, but its outputs were not checked.`,
      detail: null,
    };
  }
  const over = `${outputs.length} output${outputs.length === 1 ? '' : 's'}`;
  const { check } = verification;
  if (check) {
    // The rule and where (core/export/verification-words.ts, the CLI's words): the deciding
    // element fails or passes the line, so it never contradicts the tone.
    const words = verificationWords({
      ok,
      rtol: check.rtol,
      atol: check.atol,
      worst: { ...named(check.worst), allowance: check.worst.allowance, atol: check.worst.atol },
      largestAbs: named(check.largestAbs),
    });
    const rel = named(check.largestRel);
    const largestRel =
      rel.diff === 0
        ? ''
        : `; largest relative difference ${formatDifference(rel.relDiff)}, ${elementWords(rel)}`;
    return {
      tone: ok ? 'ok' : 'bad',
      text: ok
        ? `Verified: the split's outputs equal the whole model's ${words}.`
        : `FAILED: ${words.replace(' differs by ', " differs from the whole model's by ")}.`,
      detail: `Outputs: ${outputs.join(', ')} (${over}); each element within atol + rtol × |the whole model's value|${largestRel}`,
    };
  }
  return {
    tone: ok ? 'ok' : 'bad',
    text: ok
      ? `Verified: the split's outputs equal the whole model's (largest difference ${formatDiff(maxAbsDiff)}, within tolerance ${formatDiff(tolerance)}, ${over}).`
      : `FAILED: the split's outputs differ from the whole model's (largest difference ${formatDiff(maxAbsDiff)}, above tolerance ${formatDiff(tolerance)}, ${over}).`,
    detail: `Outputs: ${outputs.join(', ')}; tolerance 1e-4 of each output's largest value (at least 1e-4)`,
  };
}

/** A figure as the words take it: JSON's null (an infinity) back to Infinity. */
const named = (d: ExportElementDifference): NamedDifference => ({
  output: d.output,
  element: d.element,
  diff: d.diff ?? Infinity,
  relDiff: d.relDiff ?? Infinity,
});

type ExportedSegment = ExportResult['segments'][number];

/**
 * The segment's weights: "in the .onnx", or the data file's name (it sits beside the `.onnx`, so
 * the folder is the File column's) and size.
 */
export function segmentWeights(segment: ExportedSegment): string {
  if (!segment.data) return 'in the .onnx';
  const name = segment.data.file.slice(segment.data.file.lastIndexOf('/') + 1);
  return `${name} (${formatBytes(segment.data.bytes)})`;
}

/** Bytes of the bundle's sub-models: their `.onnx` files and data files together. */
export function segmentsBytes(segments: readonly ExportedSegment[]): number {
  return segments.reduce((sum, s) => sum + s.bytes + (s.data?.bytes ?? 0), 0);
}

/** The segments table's caption: how many, their size, and how many keep their weights apart. */
export function segmentsCaption(segments: readonly ExportedSegment[]): string {
  const withData = segments.filter((s) => s.data !== null).length;
  const count = `${segments.length} segment${segments.length === 1 ? '' : 's'}, ${formatBytes(segmentsBytes(segments))}`;
  if (withData === 0) return count;
  const which = withData === segments.length ? 'each' : `${withData} of them`;
  return `${count}; ${which} with a weights data file to copy with its .onnx`;
}

/** One line of "what the bundle holds": what it is, and the bundle path it is at (if one). */
export interface BundleItem {
  readonly text: string;
  readonly path: string | null;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The Export result's list of what the bundle holds, in the order a user deploys it: the
 * segments per tier, the Triton repository and KServe file when written, the whole model (only
 * with the device's local fallback), and how it is served. Empty when the host could not read
 * the bundle back (an older host): the segments table still says what it has.
 */
export function bundleItems(
  result: ExportResult,
  tierTitle: (tier: string) => string,
): readonly BundleItem[] {
  const { holds, segments } = result;
  if (!holds) return [];
  const tiers = [...new Set(segments.map((s) => s.tier))];
  const items: BundleItem[] = [
    {
      text: `${plural(segments.length, 'segment')} for ${tiers.map(tierTitle).join(', ')}, each tier with its runtime, Dockerfile and run.sh`,
      path: null,
    },
  ];
  if (holds.tritonRepository !== null) {
    const models = segments.filter((s) => s.file.startsWith(`${holds.tritonRepository}/`)).length;
    items.push({
      text: `A Triton model repository (${plural(models, 'cloud segment')}, written once: the cloud tier serves ${models === 1 ? 'it' : 'them'} from there too)`,
      path: `${holds.tritonRepository}/`,
    });
  }
  if (holds.kserve !== null)
    items.push({ text: 'A KServe InferenceService for that repository', path: holds.kserve });
  items.push(
    holds.wholeModel !== null
      ? { text: 'The whole model, for the device to run when a tier is unreachable', path: holds.wholeModel }
      : { text: 'No whole model: the device fails a request when a tier is unreachable', path: null },
  );
  items.push({
    text:
      holds.serving === 'stock'
        ? 'Served by stock OIP servers (Triton, KServe, …) that the device calls one by one; the predicted figures are that mode’s'
        : "Served by Cutline's tiers, each relaying the request to the next",
    path: null,
  });
  return items;
}
