/**
 * Puts a project on screen: its model opened, its design started (history cleared) and its view
 * state restored. Used by Open Project, Locate model, recovery and the command line's project.
 * Talks to the store only (no host), so it runs in tests against the real store.
 */
import type { Topology } from '../../../core/profiles/types.js';
import type { OpenedModel, ProjectFile } from '../../shared/studio-api.js';
import { useStudio } from '../store/store.js';
import { designFromProject, viewFromProject, type ProjectDesign } from './project-file.js';

export interface ApplyOptions {
  /** Start with unsaved edits (a recovered design was never saved). */
  readonly dirty?: boolean;
}

/**
 * Opens `model` with the design and view of `project` (its topology already loaded). Layers the
 * model lacks are dropped from the design and reported in the result (and a notice).
 */
export function applyProject(
  model: OpenedModel,
  project: ProjectFile,
  projectPath: string | null,
  topology: Topology,
  options: ApplyOptions = {},
): ProjectDesign {
  const store = useStudio.getState();
  store.openFinished({ ok: true, model });
  const made = designFromProject(project, topology, model.view);
  // A recovered design never was saved: it stays dirty until the user saves or discards it.
  store.startDesign(made.design, projectPath, { dirty: options.dirty ?? false });
  const after = useStudio.getState();
  const restored = viewFromProject(
    project,
    model.view,
    after.overlay.metrics.map((m) => m.key),
  );
  after.setExpanded(restored.expanded);
  after.select(restored.selected);
  if (restored.metric !== null) after.setMetric(restored.metric);
  const notes = projectNotes(made);
  if (notes !== null) after.noticed(notes);
  return made;
}

/** What the user should know about a project that did not fit its model or topology exactly. */
export function projectNotes(made: ProjectDesign): string | null {
  const parts: string[] = [];
  const n = made.dropped.length;
  if (n > 0) {
    const which = n <= 3 ? `: ${made.dropped.join(', ')}` : '';
    parts.push(
      `${n} layer${n === 1 ? '' : 's'} of the project no longer in the model ${n === 1 ? 'was' : 'were'} dropped from the placement${which}.`,
    );
  }
  if (made.retiered > 0) {
    parts.push(
      `${made.retiered} layer${made.retiered === 1 ? '' : 's'} placed on a tier the topology lacks moved to the nearest tier below.`,
    );
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
