/**
 * A cooperative time budget for analysis (issue 13, point 2). Shape inference and the cost pass
 * check it before each node, so a model that is merely huge (or a rule that turns out slow on a
 * file nobody foresaw) ends in an ANALYSIS_TIME_LIMIT error naming the node reached instead of
 * running on; the studio host additionally kills its analysis process after its own budget, for
 * what no check can stop.
 */
import { CutlineError } from './errors.js';
import { plainName, quoteName } from './text/quote-name.js';

/** What an analysis was doing when its time ran out, for the message. */
export type AnalysisStage = 'inferring shapes' | 'counting costs';

export class AnalysisClock {
  private readonly endsAt: number;

  /**
   * @param limitMs the budget from now, in milliseconds (0 ends at the first check)
   * @param now the time source, in milliseconds; monotonic by default, so a wall-clock step (NTP,
   *   a suspended laptop) neither ends an analysis early nor lets it run past its budget
   */
  constructor(
    readonly limitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.endsAt = now() + limitMs;
  }

  /** Throws ANALYSIS_TIME_LIMIT naming `node` when the budget is spent. */
  check(stage: AnalysisStage, node: { readonly name: string; readonly opType: string }): void {
    if (this.now() < this.endsAt) return;
    const shown = node.name === '' ? '(unnamed)' : quoteName(node.name);
    throw new CutlineError(
      'ANALYSIS_TIME_LIMIT',
      `Analysis ran past its time limit of ${formatLimit(this.limitMs)} at node ${shown} (${plainName(node.opType)}) while ${stage}. Allow more time (cutline analyze --time-limit SECONDS) or analyse the model on a faster machine.`,
    );
  }
}

function formatLimit(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}
