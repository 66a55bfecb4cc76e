/** The export's verification in the CLI's words (core/export/verification-words.ts). */
import type { SplitVerification } from '../../core/export/verify.js';
import { elementWords, formatDifference, verificationWords } from '../../core/export/verification-words.js';

/**
 * "the split's 2 outputs equal the whole model's within rtol 1e-4 + atol 1e-5 (largest difference
 * …); largest relative difference …", or when they do not "output y, element 3 differs by …".
 */
export function verificationText(v: SplitVerification): string {
  const outputs = v.outputs.length === 1 ? 'output equals' : `${v.outputs.length} outputs equal`;
  if (!v.worst || !v.largestAbs || !v.largestRel) return `the split's ${outputs} the whole model's`;
  const words = verificationWords({
    ok: v.ok,
    rtol: v.rtol,
    // One output, or an atol given: the number; the default over several outputs: its rule.
    atol: v.atol === null && v.outputs.length > 1 ? null : v.worst.atol,
    worst: v.worst,
    largestAbs: v.largestAbs,
  });
  if (!v.ok) return words;
  const rel = v.largestRel;
  const largestRel =
    rel.diff === 0
      ? ''
      : `; largest relative difference ${formatDifference(rel.relDiff)}, ${elementWords(rel)}`;
  return `the split's ${outputs} the whole model's ${words}${largestRel}`;
}
