import type { HarnessSummary } from '../../shared/studio-api.js';
import { formatMs } from '../util/format.js';
import { LEGACY_TOLERANCE, toleranceWords, withinTolerance } from '../../../core/export/tolerance.js';
import { checkText, differsText, withinRule } from './harness-run.js';
import { summaryRows } from './summary-rows.js';

/** What the run ends with: the figures `cutline harness` prints, as a table and a sentence. */
export function HarnessSummaryView({ summary }: { readonly summary: HarnessSummary }) {
  const rows = summaryRows(summary);
  return (
    <section className="run-summary" aria-label="Summary">
      <table className="run-table">
        <caption>Summary</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th
              scope="col"
              className="num"
              title="Medians over the timed requests, every tier a process on this machine"
            >
              Measured
            </th>
            <th
              scope="col"
              className="num"
              title="The design predicted with this machine's calibrated profile on every tier (compute '–' unless the run was started with Calibrate this machine), links as emulated (left out when the run did not emulate them)"
            >
              Predicted (this machine)
            </th>
            <th
              scope="col"
              className="num"
              title="The design predicted on the topology's devices, as the figures bar shows it"
            >
              Predicted (plan)
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, ...cells]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {cells.map((value, i) => (
                <td className="num" key={i}>
                  {value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="run-summary-line">{summarySentence(summary)}</p>
    </section>
  );
}

/** The CLI's closing line in the page's words: what was answered, compared and how fast. */
export function summarySentence(s: HarnessSummary): string {
  const parts = [`${s.requests} requests: ${s.answered} answered through the split, ${s.failed} failed`];
  if (s.fallbacks > 0) parts.push(`${s.fallbacks} answered by the device alone (left out of the figures)`);
  const tolerance = s.tolerance ?? LEGACY_TOLERANCE;
  // The rule and the element furthest off relative to its allowance, as the Run tab's line says them.
  const check = {
    maxAbsDiff: s.maxAbsDiff ?? 0,
    tolerance,
    output: s.output ?? null,
    element: s.element ?? null,
    rule: s.rtol === undefined ? null : toleranceWords(s.rtol, s.atol ?? null),
  };
  const outputs =
    s.maxAbsDiff === null
      ? 'no answer to compare with the whole model'
      : withinTolerance(s.maxAbsDiff, tolerance)
        ? `the answered outputs equal the whole model's${withinRule(check)} (${checkText(check)})`
        : `the answered outputs DIFFER: ${differsText(check)}`;
  const stream =
    s.measured.throughputPerS !== null ? `; stream ${s.measured.throughputPerS.toFixed(1)} inferences/s` : '';
  const p90 = s.answered > 0 ? `; latency p90 ${formatMs(s.measured.latencyP90Ms)}` : '';
  return `${parts.join(', ')}; ${outputs}${p90}${stream}.`;
}
