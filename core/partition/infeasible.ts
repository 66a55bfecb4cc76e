/**
 * Tracks the candidate closest to feasible while a solver rejects placements, so that an
 * infeasible problem is reported with the constraint that cannot be met and by how much.
 */
import { CutlineError } from '../errors.js';
import type { Violation } from './constraints.js';

export class NearestMiss {
  private best: readonly Violation[] | null = null;
  private bestScore = Infinity;

  /**
   * Offers a rejected candidate: `score` ranks how far off it is (e.g. the sum of relative
   * excesses); `describe` is called only when it is the nearest so far.
   */
  offer(score: number, describe: () => readonly Violation[]): void {
    if (score < this.bestScore) {
      this.bestScore = score;
      this.best = describe();
    }
  }

  /**
   * The INFEASIBLE error for a search that found nothing. `searched` names the placements
   * looked at ("the 14 single splits"); `pins` describes the layers the constraints fixed;
   * `heuristic` says the search was not exhaustive, so nothing is proven.
   */
  error(searched: string, pins: string, heuristic = false): CutlineError {
    if (!this.best) {
      return new CutlineError(
        'INFEASIBLE',
        pins
          ? `None of ${searched} keeps the layers where the constraints put them (${pins}); relax those constraints or use the min-cut solver, which can place any layer anywhere.`
          : `There are no candidates among ${searched}.`,
      );
    }
    const what = this.best.map((v) => `${v.constraint}: the closest placement ${v.message}`).join('; ');
    if (heuristic) {
      return new CutlineError(
        'INFEASIBLE',
        `The min-cut heuristics found no placement on ${searched} that meets the constraints (which does not prove there is none: single-split and two-split search their families exhaustively). ${what}.`,
      );
    }
    return new CutlineError('INFEASIBLE', `None of ${searched} meets the constraints. ${what}.`);
  }
}
