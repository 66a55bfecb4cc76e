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

  /** The INFEASIBLE error for a search that found nothing. */
  error(searched: string): CutlineError {
    if (!this.best) {
      return new CutlineError(
        'INFEASIBLE',
        `No placement in ${searched} keeps the pinned layers; relax the pins.`,
      );
    }
    const what = this.best.map((v) => `${v.constraint}: the closest placement ${v.message}`).join('; ');
    return new CutlineError('INFEASIBLE', `No placement in ${searched} meets the constraints. ${what}.`);
  }
}
