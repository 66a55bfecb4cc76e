/**
 * A project file from what the studio holds (the opened model, the design, the view), and back:
 * the design and view a project gives a model. Pure: no host, no store, so Save, autosave,
 * Open Project and recovery all build and read projects the same way, and tests run it in Node.
 */
import {
  DEFAULT_OBJECTIVE,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  type ProjectFile,
  type ProjectTopology,
} from '../../../core/project/types.js';
import type { Topology } from '../../../core/profiles/types.js';
import type { ModelView } from '../../../core/view/types.js';
import type { OpenedModel } from '../../shared/studio-api.js';
import { projectLayers } from '../../../core/project/placement.js';
import type { Design } from '../store/design-types.js';

/** What a project is built from: the parts of the store Save reads. */
export interface ProjectSource {
  readonly opened: OpenedModel;
  readonly design: Design;
  readonly expanded: ReadonlySet<string>;
  readonly selected: string | null;
  readonly metric: string;
}

/** The v2 project of the design as it stands; the topology by id while it is an unedited bundled one. */
export function buildProject(source: ProjectSource): ProjectFile {
  const { opened, design } = source;
  const topology: ProjectTopology =
    design.topologyId !== null
      ? { kind: 'bundled', id: design.topologyId }
      : { kind: 'inline', topology: design.topology };
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    model: { fileName: opened.fileName, path: opened.path, sha256: opened.sha256 },
    inputs: { ...design.inputs },
    ...(design.inputValues && Object.keys(design.inputValues).length > 0
      ? { inputValues: { ...design.inputValues } }
      : {}),
    topology,
    placement: { ...design.placement },
    pins: [...design.pins],
    objective: design.objective,
    constraints: [...design.constraints],
    view: { expanded: [...source.expanded].sort(), selected: source.selected, metric: source.metric },
  };
}

/** The design a project gives a model, and what of it the model no longer has. */
export interface ProjectDesign {
  readonly design: Design;
  /** Placed or pinned layer ids the model has no (placeable) layer for: left out of the design. */
  readonly dropped: readonly string[];
  /** Layers placed on a tier the topology lacks, moved to the nearest tier it has below. */
  readonly retiered: number;
}

/**
 * The design of `project` on `view` with `topology` (loaded from the project's bundled id or
 * inline topology), read as the CLI reads it (core's `projectLayers`). Layers the model lacks are
 * dropped rather than refused: a model re-exported
 * with a layer renamed should still open with the rest of the design.
 */
export function designFromProject(project: ProjectFile, topology: Topology, view: ModelView): ProjectDesign {
  const placeable = new Set(view.layers.filter((l) => l.within === undefined).map((l) => l.id));
  const layers = projectLayers(
    project,
    (id) => placeable.has(id),
    topology.tiers.map((t) => t.name),
  );
  return {
    design: {
      placement: layers.placement,
      pins: [...layers.pins].sort(),
      topology,
      topologyId: project.topology.kind === 'bundled' ? project.topology.id : null,
      inputs: { ...project.inputs },
      ...(project.inputValues ? { inputValues: { ...project.inputValues } } : {}),
      objective: project.objective || DEFAULT_OBJECTIVE,
      constraints: [...project.constraints],
    },
    dropped: layers.dropped,
    retiered: layers.retiered.length,
  };
}

/** The view state a project restores, with only the ids the model still has. */
export interface ProjectViewRestore {
  readonly expanded: ReadonlySet<string>;
  readonly selected: string | null;
  /** Null when the project's metric is not one the overlay offers. */
  readonly metric: string | null;
}

export function viewFromProject(
  project: ProjectFile,
  view: ModelView,
  metrics: readonly string[],
): ProjectViewRestore {
  const blocks = new Set(view.blocks.map((b) => b.id));
  const { expanded, selected, metric } = project.view;
  const known = selected !== null && (blocks.has(selected) || view.layers.some((l) => l.id === selected));
  return {
    expanded: new Set(expanded.filter((id) => blocks.has(id))),
    selected: known ? selected : null,
    metric: metrics.includes(metric) ? metric : null,
  };
}

/** The file name a download of the project gets: the model's name with `.cutline.json`. */
export function projectFileName(project: ProjectFile, projectPath: string | null): string {
  if (projectPath !== null) {
    const base = projectPath.split(/[/\\]/).pop();
    if (base) return base;
  }
  return `${project.model.fileName.replace(/\.onnx$/i, '')}.cutline.json`;
}
