/** Telling a dropped `.json` file's kind by its content (a pure function, tested in Node). */

/** What a dropped JSON file holds, by its content: a project names its format, a topology its tiers. */
export function jsonFileKind(text: string): 'project' | 'topology' | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if ((value as { format?: unknown }).format === 'cutline-project') return 'project';
  if ('tiers' in value && 'links' in value) return 'topology';
  return null;
}
