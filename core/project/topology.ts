/** The topology a project was designed for: a bundled one by id, or the one it carries inline. */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import { describeIssue } from '../profiles/issues.js';
import { loadTopology, type LoadOptions } from '../profiles/load.js';
import type { Topology } from '../profiles/types.js';
import { projectFieldPath } from './parse.js';
import { inlineTopologySchema } from './schema.js';
import type { ProjectFile } from './types.js';

export interface ProjectTopologyOptions extends LoadOptions {
  /** Where the project came from, to name it in messages (a file path or a file name). */
  readonly source?: string;
}

/**
 * Loads a bundled topology through the profile library, or checks an inline one with the
 * profile schemas and topology rules (a project may have been written by hand or by another
 * version). Throws PROFILE_NOT_FOUND for an unknown bundled id, BAD_TOPOLOGY naming the field
 * of an inline topology that is wrong.
 */
export function projectTopology(project: ProjectFile, options: ProjectTopologyOptions = {}): Topology {
  const { source, ...loadOptions } = options;
  const where = source ?? 'the project';
  if (project.topology.kind === 'bundled') {
    try {
      return loadTopology(project.topology.id, loadOptions);
    } catch (error) {
      if (error instanceof CutlineError && error.code === 'PROFILE_NOT_FOUND') {
        throw new CutlineError(
          'PROFILE_NOT_FOUND',
          `${where} names the topology ${quoteName(project.topology.id)}, which this Cutline does not bundle. ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  const result = inlineTopologySchema.safeParse(project.topology.topology, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    describeIssue(issue).map((p) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
      return `${projectFieldPath(['topology', 'topology', ...path])}: ${p.problem}`;
    }),
  );
  throw new CutlineError(
    'BAD_TOPOLOGY',
    problems.length === 1
      ? `${where}: ${problems[0]!}. Fix the topology in the studio or in the file.`
      : `${where} has ${problems.length} problems in its topology:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
