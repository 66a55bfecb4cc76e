/**
 * Reads the shell commands out of a bundle README the way a user copies them: the first ```sh
 * block under each heading, its `<placeholders>` filled in. A placeholder the test did not expect
 * fails it, so a README that grows an unexplained one is caught.
 */

/** Heading text (without the #s) → the lines of the first sh block under it, comments dropped. */
export function shellBlocks(readme: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let heading = '';
  let open: string[] | null = null;
  for (const line of readme.split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        if (!blocks.has(heading)) blocks.set(heading, open);
        open = null;
      } else if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
        open.push(line.trim());
      }
    } else if (line.startsWith('#')) {
      heading = line.replace(/^#+\s*/, '');
    } else if (line.startsWith('```sh')) {
      open = [];
    }
  }
  return blocks;
}

/** The block under the heading that starts with `prefix`; fails when there is none. */
export function blockUnder(blocks: Map<string, string[]>, prefix: string): string[] {
  const found = [...blocks].find(([heading]) => heading.startsWith(prefix));
  if (!found)
    throw new Error(
      `The README has no sh block under a heading "${prefix}…": ${[...blocks.keys()].join(' | ')}`,
    );
  return found[1];
}

/** `line` with each `<name>` replaced by `values[name]`; an unknown placeholder throws. */
export function fill(line: string, values: Readonly<Record<string, string>>): string {
  return line.replace(/<([a-z][a-z0-9.-]*)>/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`The README command "${line}" has a placeholder <${name}> the test does not know.`);
    return value;
  });
}

/**
 * Whether Docker's ignore rules keep `file` (a path with /) in the build context: the last
 * pattern matching the file or one of its parent folders decides, `!` re-includes (as moby's
 * patternmatcher does; `*` is one path segment). Enough for the patterns the bundle writes.
 */
export function dockerKeeps(patterns: readonly string[], file: string): boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'))
    .map((p) => {
      const negated = p.startsWith('!');
      const glob = (negated ? p.slice(1) : p).replace(/\/+$/, '');
      const source = glob
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*');
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  const parts = file.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.negated;
  }
  return !excluded;
}
