/**
 * `cutline figures [MODEL] --out DIR [-t TOPOLOGY] [--placement PLAN.json | --project FILE]
 *  [--ort-profile FILE.json] [-i NAME=DIMS]... [--json]`
 *
 * Writes Cutline's per-node figures as Google Model Explorer node-data files (one per figure,
 * `DIR/<model>.<figure>.json`), to load in Model Explorer's "node data" panel over the same ONNX
 * file: costs always, predicted times per tier with a topology, each node's tier with a placement
 * or a project, measured times from an onnxruntime profile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../core/analyze.js';
import { CutlineError } from '../../core/errors.js';
import {
  modelExplorerGraphId,
  modelExplorerNodeData,
  nodeDataText,
  type ModelExplorerInput,
} from '../../core/export/model-explorer.js';
import { modelExplorerCommand } from '../../core/export/model-explorer-command.js';
import type { Placement } from '../../core/partition/placement.js';
import { readOrtProfileFile } from '../../core/profiling/ort-profile-import.js';
import { matchOrtProfile, unknownNamesLine } from '../../core/profiling/ort-profile-match.js';
import { parseInputBinding } from '../../core/shape/bindings.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import { escapeControl, plainName } from '../../core/text/quote-name.js';
import { readPlacementFile } from './export.js';
import { renderTable } from './format.js';
import { writeJsonLine } from './json-output.js';
import { assumptionsNote, loadCommandContext } from './partition-context.js';

export interface FiguresCliOptions {
  readonly out: string;
  readonly topology?: string;
  readonly placement?: string;
  readonly project?: string;
  readonly ortProfile?: string;
  readonly input: readonly string[];
  /** `--input-value NAME=V[,V…]` (repeatable). */
  readonly inputValue?: readonly string[];
  readonly json?: boolean;
}

export function figuresCommand(modelArg: string | undefined, options: FiguresCliOptions): number {
  const input = figuresInput(modelArg, options);
  const notes: string[] = [];
  const assumed = assumptionsNote(input.figures.analysis).line;
  if (assumed) notes.push(`Approximate: ${assumed}`);
  let measuredMs: Map<string, number> | undefined;
  if (options.ortProfile !== undefined) {
    const times = readOrtProfileFile(options.ortProfile);
    const match = matchOrtProfile(input.figures.analysis.graph.nodes, times);
    measuredMs = new Map(match.nodes.flatMap((n) => (n.medianMs === null ? [] : [[n.name, n.medianMs]])));
    const unknown = unknownNamesLine(match, times.file);
    if (unknown !== null) notes.push(unknown);
  }
  const files = modelExplorerNodeData({ ...input.figures, ...(measuredMs ? { measuredMs } : {}) });
  const stem = path.basename(input.modelPath).replace(/\.onnx$/i, '');
  const written = files.map((f) => {
    const file = path.join(options.out, `${stem}.${f.figure}.json`);
    writeFigureFile(file, nodeDataText(f.data));
    return { figure: f.figure, title: f.title, nodes: f.nodes, path: file };
  });
  const graphId = modelExplorerGraphId(input.figures.analysis);
  const command = modelExplorerCommand(
    input.modelPath,
    written.map((w) => w.path),
  );
  if (options.json) {
    writeJsonLine({ model: input.modelPath, graphId, files: written, command, notes });
    return 0;
  }
  const rows = written.map((w) => [w.figure, String(w.nodes), w.title, plainName(w.path, 200)]);
  const lines = [
    `Model Explorer node data for ${plainName(input.modelPath, 200)} (graph ${plainName(graphId)}): one file per figure`,
    renderTable(['figure', 'nodes', 'what', 'file'], rows, [false, true, false, false]),
    ...notes.map((note) => plainName(note, 400)),
    ...openLines(command),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** How to open them: the whole command (not cut: it is meant to be pasted), else the page's way. */
function openLines(command: string | null): string[] {
  const install = 'Model Explorer with its ONNX adapter: pip install model-explorer-onnx';
  if (command === null)
    return [
      `Open the model in ${install}; a file's path holds a comma, so add the files under "node data" in its page.`,
    ];
  return [`Open them in ${install}`, `  ${escapeControl(command)}`];
}

function writeFigureFile(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `Cannot write ${file} (${error instanceof Error ? error.message : String(error)}). Give --out a folder you can write to.`,
      { cause: error },
    );
  }
}

function figuresInput(
  modelArg: string | undefined,
  options: FiguresCliOptions,
): { readonly modelPath: string; readonly figures: Omit<ModelExplorerInput, 'measuredMs'> } {
  if (options.topology === undefined && options.project === undefined) {
    if (modelArg === undefined) throw new Error('figures needs a model (checked by the command line).');
    const inputShapes = Object.fromEntries(
      options.input.map(parseInputBinding).map(({ name, shape }) => [name, shape]),
    );
    const inputValues = (options.inputValue ?? []).map(parseInputValue);
    return {
      modelPath: modelArg,
      figures: { analysis: analyzeFile(modelArg, { inputShapes, inputValues }) },
    };
  }
  const { context, project } = loadCommandContext(modelArg, options);
  let placement: Placement | undefined;
  if (options.placement !== undefined)
    placement = readPlacementFile(options.placement, context.built.problem);
  else if (project) placement = project.design.placement;
  return {
    modelPath: context.modelPath,
    figures: { analysis: context.analysis, built: context.built, ...(placement ? { placement } : {}) },
  };
}
