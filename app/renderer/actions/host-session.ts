/**
 * The renderer's conversation with its host for the life of the window: host info, the model
 * to show first, the samples, progress of opens, and commands from the host's menu.
 */
import type { Unsubscribe } from '../../shared/studio-api.js';
import { rememberHostInfo, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { openModelDialog } from './open-model.js';
import { saveProject } from './save-project.js';

/** Commands that move the viewport need the canvas; App handles them. */
export type ViewportCommand = 'fit-view' | 'zoom-in' | 'zoom-out';

export function startHostSession(onViewportCommand: (command: ViewportCommand) => void): Unsubscribe {
  const api = studioApi();
  const store = useStudio.getState();
  const stopProgress = api.onProgress((event) => useStudio.getState().openProgressed(event));
  const stopCommands = api.onCommand((command) => {
    const state = useStudio.getState();
    switch (command.type) {
      case 'open-dialog':
        openModelDialog();
        break;
      case 'opened':
        state.openFinished(command.result);
        break;
      case 'theme':
        state.setTheme(command.theme);
        break;
      case 'close':
        state.closeModel();
        break;
      case 'fit-view':
      case 'zoom-in':
      case 'zoom-out':
        onViewportCommand(command.type);
        break;
      case 'save':
      case 'save-as':
        saveProject(command.type === 'save-as');
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
  // The first model arrives like any other open, so a slow one shows progress and can be cancelled.
  const ticket = store.openStarted('model');
  void api.initialModel().then(
    (result) => {
      if (result) useStudio.getState().openFinished(result, ticket);
      else useStudio.getState().openAbandoned(ticket);
    },
    (error: unknown) => {
      useStudio.getState().openAbandoned(ticket);
      failed('open the first model')(error);
    },
  );

  return () => {
    stopProgress();
    stopCommands();
  };
}
