/**
 * Opening models: from the page's file picker or a drop, a sample, the host's dialog. A dropped
 * `.json` file is a project or a topology file, told apart by its content.
 */
import { MAX_MODEL_UPLOAD_BYTES, MAX_PROJECT_TEXT_BYTES, type OpenResult } from '../../shared/studio-api.js';
import { hostHasNativeDialogs, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { formatBytes } from '../util/format.js';
import { openTopologyText } from './choose-topology.js';
import { jsonFileKind } from './file-kind.js';
import { hostFailed } from './host-failed.js';
import { confirmDiscard } from './dirty-watch.js';
import { openProjectFile } from './open-project.js';

export const FILE_INPUT_ID = 'model-file-input';

/** Runs one open, keeping the previous model on screen until the new one has arrived. */
async function runOpen(fileName: string, open: () => Promise<OpenResult>): Promise<void> {
  const store = useStudio.getState();
  const ticket = store.openStarted(fileName);
  let result: OpenResult;
  try {
    result = await open();
  } catch (error) {
    result = hostFailed(`open ${fileName}`, error);
  }
  useStudio.getState().openFinished(result, ticket);
}

async function openJsonFile(file: File): Promise<void> {
  if (file.size > MAX_PROJECT_TEXT_BYTES) {
    useStudio.getState().failed({
      code: 'TOO_LARGE',
      message: `${file.name} is ${formatBytes(file.size)}: too large for a project or topology file.`,
    });
    return;
  }
  const text = await file.text();
  const kind = jsonFileKind(text);
  if (kind === 'topology') return openTopologyText(file.name, text);
  // A corrupt project still goes to the host, whose validation names what is wrong with it.
  if (kind === 'project' || file.name.toLowerCase().endsWith('.cutline.json')) return openProjectFile(file);
  useStudio.getState().failed({
    code: 'NOT_A_PROJECT',
    message: `${file.name} is neither a Cutline project (format "cutline-project") nor a topology file (tiers and links). Drop an .onnx model, a .cutline.json project or a topology .json.`,
  });
}

/** A file picked in the page or dropped on the window: a model, or a project or topology file. */
export async function openFile(file: File, confirmed = false): Promise<void> {
  if (file.name.toLowerCase().endsWith('.json')) return openJsonFile(file);
  if (!confirmed && !confirmDiscard(file.name)) return;
  if (file.size > MAX_MODEL_UPLOAD_BYTES) {
    useStudio.getState().failed({
      code: 'TOO_LARGE',
      message: `${file.name} is ${formatBytes(file.size)}; the studio opens files up to ${formatBytes(MAX_MODEL_UPLOAD_BYTES)} from the page. Open it with the command line instead.`,
    });
    return;
  }
  await runOpen(file.name, async () =>
    studioApi().openBytes(file.name, new Uint8Array(await file.arrayBuffer())),
  );
}

export function openSample(id: string, title: string): Promise<void> {
  if (!confirmDiscard(title)) return Promise.resolve();
  return runOpen(title, () => studioApi().openSample(id));
}

/** Ctrl+O: the host's native dialog in Electron, the page's file picker in a browser. */
export function openModelDialog(): void {
  if (!confirmDiscard('another model')) return;
  if (hostHasNativeDialogs()) {
    void runOpen('model', () => studioApi().openWithDialog());
    return;
  }
  document.getElementById(FILE_INPUT_ID)?.click();
}

export function cancelOpen(): void {
  const jobId = useStudio.getState().opening?.jobId;
  if (jobId) void studioApi().cancel(jobId);
}
