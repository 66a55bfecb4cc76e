/**
 * The renderer's conversation with its host for the life of the window: host info, the project
 * or model to show first, a design recovered after a crash, the samples and topologies, progress
 * of opens, jobs, unsaved-work tracking, and commands from the host's menu.
 */
import type { Unsubscribe } from '../../shared/studio-api.js';
import { rememberHostInfo, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { startAnalysisSync } from './analyse.js';
import { hostJobs, stopHostJobs } from './job-runner.js';
import { listTopologies, openTopologyFile } from './choose-topology.js';
import { confirmDiscard, startDirtyWatch } from './dirty-watch.js';
import { openModelDialog } from './open-model.js';
import { applyOpenedProject, openProjectDialog } from './open-project.js';
import { saveProject } from './save-project.js';

/** Commands that move the viewport need the canvas; App handles them. */
export type ViewportCommand = 'fit-view' | 'zoom-in' | 'zoom-out';

export function startHostSession(onViewportCommand: (command: ViewportCommand) => void): Unsubscribe {
  const api = studioApi();
  const store = useStudio.getState();
  const stopProgress = api.onProgress((event) => useStudio.getState().openProgressed(event));
  // The page's one job subscription, made now so the first job's events find it listening.
  hostJobs();
  const stopAnalysis = startAnalysisSync();
  const stopDirtyWatch = startDirtyWatch(api);
  const stopCommands = api.onCommand((command) => {
    const state = useStudio.getState();
    switch (command.type) {
      case 'open-dialog':
        openModelDialog();
        break;
      case 'open-project':
        openProjectDialog();
        break;
      case 'open-topology':
        openTopologyFile();
        break;
      case 'opened':
      case 'project-opened': {
        // The host opened it on its own (its recent menu, a second launch): unsaved work is
        // still asked about, and a refusal closes the new model's session again.
        const { result } = command;
        if (result.ok && !confirmDiscard(result.model.fileName)) {
          void api.closeSession(result.model.sessionId).catch(() => undefined);
        } else if (command.type === 'opened') state.openFinished(command.result);
        else void applyOpenedProject(command.result);
        break;
      }
      case 'undo':
      case 'redo':
        // The Edit menu's accelerators reach the page as commands even while the user types in
        // a field: there they undo the typing, as the field's own Ctrl+Z would.
        if (isEditingText()) document.execCommand(command.type);
        else if (command.type === 'undo') state.undo();
        else state.redo();
        break;
      case 'shortcuts':
        state.showShortcuts(true);
        break;
      case 'export':
        // File › Export Bundle… (Ctrl+E): the Export tab, where the folder and options are.
        if (state.opened !== null) state.openDock('export');
        break;
      case 'theme':
        state.setTheme(command.theme);
        break;
      case 'close':
        if (confirmDiscard('', 'close the model')) state.closeModel();
        break;
      case 'fit-view':
      case 'zoom-in':
      case 'zoom-out':
        onViewportCommand(command.type);
        break;
      case 'save':
      case 'save-as':
        void saveProject(command.type === 'save-as');
        break;
    }
  });
  const failed = (what: string) => (error: unknown) =>
    useStudio
      .getState()
      .failed({ code: 'HOST_FAILED', message: `Could not ${what}: ${(error as Error).message}` });

  void api.hostInfo().then(rememberHostInfo, failed('reach the studio host'));
  void api
    .listSamples()
    .then((samples) => useStudio.getState().samplesListed(samples), failed('list the samples'));
  listTopologies();
  void api
    .recovery()
    .then(
      (recovered) => useStudio.getState().recoveryOffered(recovered),
      failed('look for an unsaved design'),
    );

  // The first project or model arrives like any other open, so a slow one shows progress and can
  // be cancelled. A project named on the command line comes before the initial model.
  const ticket = store.openStarted('model');
  const openInitialModel = (): Promise<void> =>
    api.initialModel().then((result) => {
      if (result) useStudio.getState().openFinished(result, ticket);
      else useStudio.getState().openAbandoned(ticket);
    });
  void api
    .initialProject()
    .then((project) => {
      if (project === null) return openInitialModel();
      useStudio.getState().openAbandoned(ticket);
      return applyOpenedProject(project).then(() => undefined);
    })
    .catch((error: unknown) => {
      useStudio.getState().openAbandoned(ticket);
      failed('open the first model')(error);
    });

  return () => {
    stopProgress();
    stopCommands();
    stopAnalysis();
    stopHostJobs();
    stopDirtyWatch();
  };
}

function isEditingText(): boolean {
  const active = document.activeElement;
  return (
    active instanceof HTMLElement &&
    (active.isContentEditable || active.tagName === 'INPUT' || active.tagName === 'TEXTAREA')
  );
}
