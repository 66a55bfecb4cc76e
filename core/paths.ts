/** Path containment, for every place that must not let a file name lead out of a chosen folder. */
import path from 'node:path';

/**
 * Whether `candidate` lies strictly inside `folder` (both absolute, already resolved; resolve
 * symbolic links first where they matter). A name such as `..data` inside the folder counts.
 */
export function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
