/**
 * An imported onnxruntime profile against the model it should time: each node of the model takes
 * the time the file gives its name. Names the file has and the model lacks (another model's
 * profile, nodes ORT fused or renamed when it optimised the graph) are counted, not guessed at.
 * Pure and free of node: and zod, so the studio's page uses it as the CLI does.
 */
import { quoteNames } from '../text/quote-name.js';
import type { OrtProfileTimes } from './ort-profile-times.js';

export interface ProfiledNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
}

export interface OrtProfileMatch {
  /** Per node of the model, in its order: the imported median, or null when the file has none. */
  readonly nodes: readonly (ProfiledNode & { readonly medianMs: number | null })[];
  /** How many of the file's nodes are in the model. */
  readonly matched: number;
  /** The file's node names the model does not have, in the file's order. */
  readonly unknown: readonly string[];
}

export function matchOrtProfile(model: readonly ProfiledNode[], times: OrtProfileTimes): OrtProfileMatch {
  const byName = new Map(times.nodes.map((n) => [n.name, n.medianMs]));
  const names = new Set(model.map((n) => n.name));
  return {
    nodes: model.map((node) => ({ ...node, medianMs: byName.get(node.name) ?? null })),
    matched: times.nodes.filter((n) => names.has(n.name)).length,
    unknown: times.nodes.filter((n) => !names.has(n.name)).map((n) => n.name),
  };
}

/**
 * One line on the names the model lacks, or null when every name matched. It says what to do:
 * profile the same file with graph optimisation off, so ORT keeps every node's own name.
 */
export function unknownNamesLine(match: OrtProfileMatch, file: string): string | null {
  const count = match.unknown.length;
  if (count === 0) return null;
  return `${count} node name${count === 1 ? '' : 's'} in ${file} ${count === 1 ? 'is' : 'are'} not in this model (${quoteNames(match.unknown, 3)}), left out; profile this model with graph optimisation disabled so every node keeps its name.`;
}
