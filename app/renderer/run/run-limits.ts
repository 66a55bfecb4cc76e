/**
 * The host's limits on harness and calibration counts (studio-validate.ts's MAX_HARNESS_REQUESTS,
 * MAX_PROFILE_RUNS and MAX_PROFILE_THREADS), repeated here so the page does not bundle the host's validators; a
 * renderer test keeps them equal.
 */
export const MAX_HARNESS_REQUESTS = 10_000;
export const MAX_PROFILE_RUNS = 1_000;
export const MAX_PROFILE_THREADS = 256;

/** A whole number in `min` … `max` typed in a field, or null when it is not one. */
export function countOf(text: string, min: number, max: number): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : null;
}
