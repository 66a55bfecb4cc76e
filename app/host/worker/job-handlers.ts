/**
 * What each job kind does in a session worker: one table of kind → handler, so a new kind
 * (solve, pareto, sweep, export, harness) is one entry here plus its types in studio-api.ts's
 * JobKinds. Handlers run synchronously against the session's analysis, report progress through
 * the context (which is also where a cancelled job stops) and return the kind's result. A
 * handler that changes the session (re-analysis) stages its new analysis with `replaceAnalysis`:
 * the worker commits it only when the job was not cancelled by then.
 */
import type { Analysis } from '../../../core/analyze.js';
import { problemFromSource } from '../../../core/partition/build-problem.js';
import { problemToJson } from '../../../core/partition/problem-json.js';
import { partitionSource } from '../../../core/partition/source.js';
import { buildModelView } from '../../../core/view/build.js';
import type { JobKind, JobKinds } from '../../shared/studio-api.js';
import { STAGE_START } from './protocol.js';
import { analyzeInStages, inputShapesOf } from './staged-analysis.js';

export interface JobContext {
  /** The session's current analysis. */
  readonly analysis: Analysis;
  /** Reports progress (0 … 1); throws JobCancelled when the host cancelled the job. */
  progress(fraction: number, message: string): void;
  log(line: string): void;
  /** The session holds `analysis` once the job ends without being cancelled. */
  replaceAnalysis(analysis: Analysis): void;
}

export type JobHandler<K extends JobKind> = (
  args: JobKinds[K]['args'],
  context: JobContext,
) => JobKinds[K]['result'];

export const JOB_HANDLERS: { readonly [K in JobKind]: JobHandler<K> } = {
  analyse(args, context) {
    const inputShapes = inputShapesOf(args.inputs);
    context.progress(0, 'Re-analysing with the bound inputs');
    const analysis = analyzeInStages(
      context.analysis.model,
      (stage, message) => context.progress(STAGE_START[stage], message),
      inputShapes,
    );
    context.progress(STAGE_START.view, 'Preparing the view');
    const view = buildModelView(analysis);
    const { source } = partitionSource(analysis);
    context.log(`Analysed ${view.summary.layerCount} layers with ${describeInputs(args.inputs)}`);
    context.replaceAnalysis(analysis);
    return { view, partition: source, inputs: { ...args.inputs } };
  },

  problem(args, context) {
    context.progress(0, `Costing every layer on ${args.topology.spec.name}`);
    const { source } = partitionSource(context.analysis);
    const problem = problemFromSource(source, args.topology);
    context.progress(0.9, 'Converting the problem to JSON');
    return { problem: problemToJson(problem) };
  },
};

function describeInputs(inputs: Readonly<Record<string, string>>): string {
  const bound = Object.entries(inputs).map(([name, dims]) => `${name}=${dims}`);
  return bound.length === 0 ? 'no input bindings' : bound.join(', ');
}
