/** Opening models: from the page's file picker or a drop, a sample, the host's dialog. */
import { MAX_MODEL_UPLOAD_BYTES, type OpenResult } from '../../shared/studio-api.js';
import { hostHasNativeDialogs, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { formatBytes } from '../util/format.js';

export const FILE_INPUT_ID = 'model-file-input';

/** Runs one open, keeping the previous model on screen until the new one has arrived. */
async function runOpen(fileName: string, open: () => Promise<OpenResult>): Promise<void> {
  const store = useStudio.getState();
  const ticket = store.openStarted(fileName);
  let result: OpenResult;
  try {
    result = await open();
  } catch (error) {
    result = {
      ok: false,
      error: {
        code: 'HOST_FAILED',
        message: `The studio host failed to open ${fileName}: ${(error as Error).message}`,
      },
    };
  }
  useStudio.getState().openFinished(result, ticket);
}

export async function openFile(file: File): Promise<void> {
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
  return runOpen(title, () => studioApi().openSample(id));
}

/** Ctrl+O: the host's native dialog in Electron, the page's file picker in a browser. */
export function openModelDialog(): void {
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
