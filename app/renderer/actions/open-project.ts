/**
 * Opening projects: the host's dialog (Electron), the page's file picker or a drop (web), the
 * recent list, the command line and a recovered design all end in `applyOpenedProject`. A
 * project whose model is missing or changed raises a problem the user can answer by locating
 * the model; a bad project only reports its error. Nothing open is lost until a project applies.
 */
import {
  MAX_PROJECT_TEXT_BYTES,
  type OpenResult,
  type ProjectFile,
  type ProjectOpenResult,
  type Topology,
} from '../../shared/studio-api.js';
import { hostHasNativeDialogs, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { formatBytes } from '../util/format.js';
import { applyProject, type ApplyOptions } from './apply-project.js';
import { confirmDiscard } from './dirty-watch.js';
import { hostFailed } from './host-failed.js';

export const PROJECT_INPUT_ID = 'project-file-input';
export const LOCATE_INPUT_ID = 'locate-model-input';

/** The project's topology: the bundled one it names (loaded by the host) or its inline one. */
async function projectTopology(project: ProjectFile): Promise<Topology | null> {
  if (project.topology.kind === 'inline') return project.topology.topology;
  const loaded = await studioApi()
    .loadTopology(project.topology.id)
    .catch((error: unknown) => hostFailed('load the topology', error));
  if (loaded.ok) return loaded.topology;
  useStudio.getState().failed({
    code: loaded.error.code,
    message: `The project's topology "${project.topology.id}" could not be loaded: ${loaded.error.message}`,
  });
  return null;
}

/**
 * Shows an opened project: its model with its design and view. For the lead's and the host's
 * pushes too (`project-opened` command, `initialProject`). Errors are reported; a model missing
 * or changed raises the Locate model panel.
 */
export async function applyOpenedProject(
  result: ProjectOpenResult,
  options: ApplyOptions = {},
): Promise<boolean> {
  const store = useStudio.getState();
  if (!result.ok) {
    const { error, project } = result;
    if (project && (error.code === 'MODEL_MISSING' || error.code === 'MODEL_CHANGED')) {
      store.projectProblemRaised({
        error,
        project,
        projectPath: result.projectPath ?? null,
        ...(options.dirty === true ? { unsaved: true } : {}),
      });
    } else if (error.code !== 'CANCELLED') store.failed(error);
    return false;
  }
  const topology = await projectTopology(result.project);
  if (!topology) {
    void studioApi()
      .closeSession(result.model.sessionId)
      .catch(() => undefined);
    return false;
  }
  store.projectProblemDismissed();
  applyProject(result.model, result.project, result.projectPath, topology, options);
  return true;
}

/** Runs one project open with progress in the panel; the current model stays until it applies. */
async function runProjectOpen(name: string, open: () => Promise<ProjectOpenResult>): Promise<void> {
  const ticket = useStudio.getState().openStarted(name);
  const result = await open().catch((error: unknown) => hostFailed(`open ${name}`, error));
  useStudio.getState().openAbandoned(ticket);
  await applyOpenedProject(result);
}

/** Open Project (toolbar, Ctrl+Shift+O, the host's menu). */
export function openProjectDialog(): void {
  if (!confirmDiscard('a project')) return;
  if (hostHasNativeDialogs()) {
    void runProjectOpen('project', () => studioApi().openProjectWithDialog());
    return;
  }
  document.getElementById(PROJECT_INPUT_ID)?.click();
}

/** A project file picked in the page or dropped on it (already confirmed by the caller for drops). */
export async function openProjectFile(file: File, confirmed = false): Promise<void> {
  if (!confirmed && !confirmDiscard(file.name)) return;
  if (file.size > MAX_PROJECT_TEXT_BYTES) {
    useStudio.getState().failed({
      code: 'TOO_LARGE',
      message: `${file.name} is ${formatBytes(file.size)}: larger than any project (${formatBytes(MAX_PROJECT_TEXT_BYTES)} at most). Is it the right file?`,
    });
    return;
  }
  const text = await file.text();
  await runProjectOpen(file.name, () => studioApi().openProjectText(file.name, text));
}

export function openRecentProject(path: string, fileName: string): void {
  if (!confirmDiscard(fileName)) return;
  void runProjectOpen(fileName, () => studioApi().openRecentProject(path));
}

/** Applies the problem project to a model the user located (a moved or changed model). */
async function applyToLocated(result: OpenResult): Promise<void> {
  const problem = useStudio.getState().projectProblem;
  if (!result.ok) {
    if (result.error.code !== 'CANCELLED') useStudio.getState().failed(result.error);
    return;
  }
  if (!problem) {
    useStudio.getState().openFinished(result);
    return;
  }
  const topology = await projectTopology(problem.project);
  if (!topology) return;
  useStudio.getState().projectProblemDismissed();
  const changed = result.model.sha256 !== problem.project.model.sha256;
  // A project now naming another file, or other bytes, has changes to save; a recovered design
  // never was saved (a design made on an uploaded model is located by upload: no path moved).
  const moved = changed || result.model.path !== problem.project.model.path;
  const made = applyProject(result.model, problem.project, problem.projectPath, topology, {
    dirty: moved || problem.unsaved === true,
  });
  if (changed && made.dropped.length === 0) {
    useStudio
      .getState()
      .noticed(
        'This model differs from the one the project was saved with; every placed layer is still in it.',
      );
  }
}

/** Locate model… in the project problem panel. */
export function locateModel(): void {
  if (hostHasNativeDialogs()) {
    void studioApi()
      .openWithDialog()
      .catch((error: unknown) => hostFailed('open the model', error))
      .then(applyToLocated);
    return;
  }
  document.getElementById(LOCATE_INPUT_ID)?.click();
}

export async function locateModelFile(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ticket = useStudio.getState().openStarted(file.name);
  const result = await studioApi()
    .openBytes(file.name, bytes)
    .catch((error: unknown) => hostFailed(`open ${file.name}`, error));
  useStudio.getState().openAbandoned(ticket);
  await applyToLocated(result);
}
