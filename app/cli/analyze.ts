/**
 * `cutline analyze MODEL [--input NAME=DIMS]... [--input-value NAME=V[,V…]]... [--json] [--all-nodes]
 * [--time-limit SECONDS]`
 */
import { analyzeFile, type Analysis } from '../../core/analyze.js';
import type { Shape } from '../../core/graph/types.js';
import { parseInputBinding } from '../../core/shape/bindings.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import { assumptionsLine } from '../../core/shape/assumptions.js';
import { formatBytes, formatCount, formatShape } from '../shared/format.js';
import { plainName } from '../../core/text/quote-name.js';
import { renderTable } from './format.js';
import { dataDependentNote } from '../../core/costs/data-dependent-figures.js';
import { findDataDependence } from '../../core/costs/data-dependent.js';
import { writeJsonLine } from './json-output.js';
import { measuredColumns, timeCells, type MeasuredColumns } from './analyze-measured.js';

export interface AnalyzeCliOptions {
  readonly input: readonly string[];
  /** `--input-value NAME=V[,V…]`: values folded as constants (an If on them costs its branch). */
  readonly inputValue?: readonly string[];
  readonly json?: boolean;
  readonly allNodes?: boolean;
  /** Seconds the analysis may take (AnalyzeOptions.timeLimitMs). */
  readonly timeLimit?: number;
  /** A profile `cutline profile --save` wrote: each layer's measured time (its table) and prediction. */
  readonly measured?: string;
}

export function analyzeCommand(modelPath: string, options: AnalyzeCliOptions): number {
  const inputShapes: Record<string, Shape> = {};
  for (const text of options.input) {
    const { name, shape } = parseInputBinding(text);
    inputShapes[name] = shape;
  }
  const inputValues = (options.inputValue ?? []).map(parseInputValue);
  const analysis = analyzeFile(modelPath, {
    inputShapes,
    inputValues,
    ...(options.timeLimit !== undefined ? { timeLimitMs: options.timeLimit * 1000 } : {}),
  });
  const measured =
    options.measured === undefined
      ? null
      : measuredColumns(modelPath, analysis, options.measured, inputValues);
  if (options.json) writeJsonLine(withMeasured(analysisJson(analysis), measured));
  else {
    const values = new Map(inputValues.map((v) => [v.name, v.data]));
    process.stdout.write(`${analysisText(analysis, options.allNodes ?? false, measured, values)}\n`);
  }
  return 0;
}

/** The `--json` document: stable field names other tools can rely on. */
export function analysisJson(a: Analysis): object {
  const { model, summary, totals } = a;
  return {
    model: {
      path: model.path ?? null,
      fileBytes: model.fileBytes,
      externalDataBytes: model.externalDataBytes,
      irVersion: model.irVersion,
      opset: model.opset,
      opsets: Object.fromEntries(model.opsets),
      producer: model.producer,
      graph: summary.graphName,
    },
    inputs: summary.inputs,
    outputs: summary.outputs,
    nodeCount: summary.nodeCount,
    layerCount: summary.layerCount,
    unknownOperators: summary.unknownOperators,
    shapeErrors: summary.shapeErrors,
    totals,
    /** True when a figure rests on an unbound dimension (assumed 1) or an undecided If. */
    approximate: a.assumptions.approximate,
    assumptions: {
      unboundDims: a.assumptions.unboundDims,
      undecidedBranches: a.assumptions.undecidedBranches,
    },
    layers: a.layers.layers.map((layer) => ({
      name: layer.name,
      op: layer.op,
      outputShapes: layer.outputShapes,
      macs: layer.macs,
      flops: layer.flops,
      params: layer.params,
      paramBytes: layer.paramBytes,
      inputBytes: layer.inputBytes,
      outputBytes: layer.outputBytes,
      exact: layer.exact,
      hiddenNodes: layer.hidden.length,
      // Present when the layer's size is decided at run time: its figures are lower bounds.
      ...(layer.dataDependent ? { dataDependent: layer.dataDependent } : {}),
    })),
  };
}

/** The `--json` document with, under `--measured`, each layer's measured and predicted ms. */
function withMeasured(json: object, measured: MeasuredColumns | null): object {
  if (!measured) return json;
  const { layers, ...rest } = json as { layers: object[] };
  return {
    ...rest,
    measured: { found: measured.found, basis: measured.basis, note: measured.note },
    layers: layers.map((layer, k) => ({ ...layer, ...measured.layers[k] })),
  };
}

function analysisText(
  a: Analysis,
  allNodes: boolean,
  measured: MeasuredColumns | null = null,
  values: ReadonlyMap<string, readonly number[]> = new Map(),
): string {
  const { model, summary, totals } = a;
  // An input given with --input-value shows the value the figures were folded with.
  const valueText = (name: string): string => {
    const data = values.get(name);
    if (!data) return '';
    return ` = ${data.slice(0, 8).join(',')}${data.length > 8 ? `,… (${data.length} values)` : ''}`;
  };
  const tensorLine = (t: { name: string; dtype: string; shape: Shape | null }): string =>
    `  ${plainName(t.name)}: ${t.dtype} ${formatShape(t.shape)}${valueText(t.name)}`;
  const lines = [
    `Model     ${plainName(model.path ?? summary.graphName, 500)} (${formatBytes(model.fileBytes)}${
      model.externalDataBytes > 0 ? `, ${formatBytes(model.externalDataBytes)} of external data` : ''
    })`,
    `Producer  ${plainName(model.producer || 'unknown')}, IR ${model.irVersion}, opset ${model.opset}${[
      ...model.opsets,
    ]
      .filter(([d]) => d)
      .map(([d, v]) => `, ${plainName(d)} ${v}`)
      .join('')}`,
    `Nodes     ${summary.nodeCount} (${summary.layerCount} layers, ${summary.nodeCount - summary.layerCount} plumbing nodes hidden)`,
    'Inputs',
    ...summary.inputs.map(tensorLine),
    'Outputs',
    ...summary.outputs.map(tensorLine),
    `Totals    ${formatCount(totals.macs)} MACs, ${formatCount(totals.flops)} FLOPs, ${formatCount(totals.params)} params (${formatBytes(totals.paramBytes)})${totals.exact ? '' : '  (~ estimated in part)'}`,
  ];
  const assumed = assumptionsLine(a.assumptions, new Map(summary.inputs.map((t) => [t.name, t.shape])));
  if (assumed) lines.push(`Approx.   ${assumed} (figures marked ~)`);
  if (summary.unknownOperators.length > 0)
    lines.push(
      `Unknown   ${summary.unknownOperators.map((op) => plainName(op)).join(', ')} (no shape or cost rule: figures after them may be missing)`,
    );
  const dataDependent = dataDependentNote(
    a.layers.layers.flatMap((l) =>
      l.dataDependent ? [{ name: l.name, sourceOp: l.dataDependent.sourceOp }] : [],
    ),
  );
  if (dataDependent) lines.push(`Data-dep. ${dataDependent}`);
  for (const e of summary.shapeErrors.slice(0, 10))
    lines.push(`Warning   ${plainName(e.node)}: ${plainName(e.message, 500)}`);
  lines.push('');
  // A data-dependent figure is a lower bound (≥), whatever else it assumed.
  const flags = findDataDependence(a.graph, a.inference.values);
  const est = (value: string, exact: boolean, atLeast = false): string =>
    atLeast ? `≥${value}` : exact ? value : `~${value}`;
  const rows = allNodes
    ? a.graph.order.map((index) => {
        const node = a.graph.nodes[index]!;
        const cost = a.costs[index]!;
        const shapes = node.outputs
          .map((o) => formatShape(a.inference.values.get(o)?.shape ?? null))
          .join(' ');
        return [
          String(index),
          plainName(node.name),
          plainName(node.opType),
          shapes,
          est(formatCount(cost.macs), cost.exact.compute, flags.has(index)),
          est(formatCount(cost.flops), cost.exact.compute, flags.has(index)),
          formatCount(cost.params),
          est(
            formatBytes(cost.outputBytes),
            cost.exact.activations,
            flags.has(index) && !cost.exact.activations,
          ),
        ];
      })
    : a.layers.layers.map((layer, k) => [
        String(k),
        plainName(layer.name),
        plainName(layer.op),
        layer.outputShapes.map(formatShape).join(' '),
        est(formatCount(layer.macs), layer.exact.compute, layer.dataDependent !== undefined),
        est(formatCount(layer.flops), layer.exact.compute, layer.dataDependent !== undefined),
        formatCount(layer.params),
        est(
          formatBytes(layer.outputBytes),
          layer.exact.activations,
          layer.dataDependent !== undefined && !layer.exact.activations,
        ),
      ]);
  // Measured beside predicted, per layer (the node table has its own rows: no columns there).
  const timed = measured !== null && !allNodes;
  if (measured !== null)
    lines.push(`Measured  ${measured.note}${allNodes ? ' (the layer table shows them)' : ''}`);
  lines.push(
    renderTable(
      [
        '#',
        'name',
        'op',
        'output shape',
        'MACs',
        'FLOPs',
        'params',
        'output',
        ...(timed ? ['measured', 'predicted'] : []),
      ],
      timed ? rows.map((row, k) => [...row, ...timeCells(measured.layers[k])]) : rows,
      [true, false, false, false, true, true, true, true, true, true],
    ),
  );
  return lines.join('\n');
}
