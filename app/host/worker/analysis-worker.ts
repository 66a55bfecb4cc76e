/**
 * Worker-thread entry: analyses one model off the host's main thread and posts its ModelView.
 * Started through bootstrap.js (which lets Node load TypeScript); see analysis-runner.ts.
 */
import { parentPort } from 'node:worker_threads';
import { isCutlineError } from '../../../core/errors.js';
import { buildModelView } from '../../../core/view/build.js';
import type { AnalysisRequest, AnalysisStage, WorkerMessage } from './protocol.js';
import { analyzeInStages, openSource, sha256Of } from './staged-analysis.js';

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts runs only as a worker thread.');

const post = (message: WorkerMessage): void => port.postMessage(message);
const report = (stage: AnalysisStage, message: string): void => post({ type: 'progress', stage, message });

port.once('message', (request: AnalysisRequest) => {
  try {
    const analysis = analyzeInStages(openSource(request.source, report), report);
    report('view', 'Preparing the view');
    post({ type: 'done', view: buildModelView(analysis), sha256: sha256Of(request.source) });
  } catch (error) {
    post({
      type: 'failed',
      error: isCutlineError(error)
        ? { code: error.code, message: error.message }
        : {
            code: 'INTERNAL',
            message: `Analysis failed unexpectedly: ${(error as Error).message ?? String(error)}`,
          },
    });
  }
});
