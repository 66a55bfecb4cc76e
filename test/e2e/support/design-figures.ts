/**
 * The design figures two ways, as comparable records of figure key → exact value: what the
 * studio's figures bar shows (each `dd` carries the JS number's `String()` in `data-value`), and
 * what core/partition's evaluator computes in the test for the same model, topology, input
 * bindings and placement (analyzeFile → buildPartitionProblem → evaluatePlacement, as `cutline
 * solve` does).
 */
import type { Page } from 'playwright-core';
import { analyzeFile, type Analysis } from '../../../core/analyze.js';
import { buildPartitionProblem } from '../../../core/partition/build-problem.js';
import { evaluatePlacement, type Evaluation } from '../../../core/partition/evaluate.js';
import type { PartitionProblem } from '../../../core/partition/problem.js';
import type { TierName, Topology } from '../../../core/profiles/types.js';
import { parseInputBinding } from '../../../core/shape/bindings.js';

/** Figure key (`latency`, `hop-0`, `memory-edge`, …) → the exact number as `String()` writes it. */
export type FigureValues = Readonly<Record<string, string>>;

/** Layer id → tier; layers not listed run on the device (as a project file stores it). */
export type PlacementRecord = Readonly<Record<string, TierName>>;

/** What the page-side callbacks read of an element (the tests' tsconfig has no DOM types). */
export interface ElementLike {
  getAttribute(name: string): string | null;
  querySelector(selector: string): ElementLike | null;
}

/** Reads the figures bar: every row's key and exact value. */
export async function shownFigures(page: Page): Promise<FigureValues> {
  const rows = page.getByRole('region', { name: 'Design figures' }).locator('.figure[data-key]');
  const pairs = await rows.evaluateAll((elements) =>
    (elements as unknown as ElementLike[]).map((element) => [
      element.getAttribute('data-key') ?? '',
      element.querySelector('dd')?.getAttribute('data-value') ?? '',
    ]),
  );
  return Object.fromEntries(pairs) as FigureValues;
}

/** Whether the figures bar shows a drag's preview rather than the design. */
export async function showsPreview(page: Page): Promise<boolean> {
  return (await page.getByRole('region', { name: 'Design figures' }).getAttribute('data-preview')) !== null;
}

/** The figures bar's rows for an evaluation, keyed and valued as the studio writes them. */
export function figureValues(evaluation: Evaluation, tiers: readonly string[]): FigureValues {
  const values: Record<string, string> = {
    latency: String(evaluation.latencyMs),
    throughput: String(evaluation.throughputPerS),
    energy: String(evaluation.deviceEnergyMj),
  };
  evaluation.hops.forEach((hop, h) => (values[`hop-${h}`] = String(hop.upBytes + hop.downBytes)));
  evaluation.memory.forEach((memory, t) => (values[`memory-${tiers[t]!}`] = String(memory.totalBytes)));
  values['raw-input'] = evaluation.rawInputLeavesDevice ? '1' : '0';
  values['device-first'] = String(evaluation.deviceLayersBeforeLeaving ?? -1);
  return values;
}

const analyses = new Map<string, Analysis>();

/** `modelFile` analysed as `cutline analyze --input …` would, memoised per file and bindings. */
export function analysis(modelFile: string, inputs: Readonly<Record<string, string>> = {}): Analysis {
  const key = `${modelFile}\n${JSON.stringify(inputs)}`;
  let known = analyses.get(key);
  if (!known) {
    const inputShapes = Object.fromEntries(
      Object.entries(inputs).map(([name, dims]) => [name, parseInputBinding(`${name}=${dims}`).shape]),
    );
    known = analyzeFile(modelFile, { inputShapes });
    analyses.set(key, known);
  }
  return known;
}

/** The placement array of `record` for `problem`; every id it names must be one of the problem's layers. */
function placementOf(problem: PartitionProblem, record: PlacementRecord): Uint8Array {
  const unitOf = new Map(problem.units.map((unit, u) => [unit.name, u]));
  const placement = new Uint8Array(problem.units.length);
  for (const [id, tier] of Object.entries(record)) {
    const unit = unitOf.get(id);
    const t = problem.tiers.indexOf(tier);
    if (unit === undefined) throw new Error(`The placement names ${id}, which is no layer of the model.`);
    if (t < 0) throw new Error(`The placement puts ${id} on ${tier}, which the topology lacks.`);
    placement[unit] = t;
  }
  return placement;
}

export interface DesignCase {
  readonly modelFile: string;
  readonly topology: Topology;
  readonly placement: PlacementRecord;
  readonly inputs?: Readonly<Record<string, string>>;
}

/** The evaluator's figures for a design, computed in the test through core/partition. */
export function evaluatorFigures(design: DesignCase): FigureValues {
  const { problem } = buildPartitionProblem(analysis(design.modelFile, design.inputs), design.topology);
  return figureValues(evaluatePlacement(problem, placementOf(problem, design.placement)), problem.tiers);
}

/** The layer ids of a model in the order the solvers use (the partition problem's units). */
export function layerOrder(
  modelFile: string,
  topology: Topology,
  inputs: Readonly<Record<string, string>> = {},
): string[] {
  return buildPartitionProblem(analysis(modelFile, inputs), topology).problem.units.map((unit) => unit.name);
}
