/**
 * A seeded pseudo-random generator for deterministic weights in generated models (samples, tests,
 * benchmarks): the same seed gives the same bytes on every machine and Node version.
 *
 * Only 32-bit integer arithmetic, `+ - * /` and `Math.sqrt` are used: all are exactly specified
 * by IEEE 754, unlike `Math.log`/`Math.cos`, whose last bits may differ between engines. That is
 * why there is no Gaussian sampler here; uniform weights scaled by fan-in serve the samples well.
 */

export interface SeededRandom {
  /** Next value, uniform in [0, 1), a multiple of 2^-32. */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** `count` values uniform in [low, high), rounded to float32. */
  uniformFloat32(count: number, low: number, high: number): Float32Array;
}

/**
 * mulberry32: a 32-bit state advanced by the odd constant 0x6D2B79F5 (a Weyl sequence) and
 * scrambled by two xor-shift-multiply rounds. Period 2^32, which is far more values than any
 * sample model draws.
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A SeededRandom over mulberry32. */
export function createRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    uniformFloat32(count, low, high) {
      const values = new Float32Array(count);
      const span = high - low;
      for (let i = 0; i < count; i++) values[i] = low + span * next();
      return values;
    },
  };
}

/**
 * A 32-bit seed from a text (FNV-1a over its UTF-16 code units), so each model or tensor can
 * take its own stream from its name instead of a hand-picked number.
 */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
