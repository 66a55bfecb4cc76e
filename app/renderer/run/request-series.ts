/** The Requests chart's points, kept few enough to redraw as a run streams in. */
import type { RequestPoint } from './harness-run.js';

/** Answered requests drawn at most: an SVG of ten thousand symbols redrawn ten times a second stalls the page. */
export const MAX_DRAWN_ANSWERS = 1500;

/**
 * The request chart's series: answered sequentially, answered in the stream, fallbacks, failures.
 * Past `maxAnswers` answered requests, every `stride`-th is drawn (the chart says so); every
 * fallback and failure is always drawn.
 */
export function requestSeries(requests: readonly RequestPoint[], maxAnswers = MAX_DRAWN_ANSWERS) {
  const answered = requests.filter((r) => r.ok && !r.fallback);
  const stride = Math.max(1, Math.ceil(answered.length / maxAnswers));
  const drawn = stride === 1 ? answered : answered.filter((_, i) => i % stride === 0);
  return {
    stride,
    sequential: drawn.filter((r) => r.phase === 'latency'),
    stream: drawn.filter((r) => r.phase === 'stream'),
    fallback: requests.filter((r) => r.ok && r.fallback),
    failed: requests.filter((r) => !r.ok),
  };
}
