/**
 * The Suggestions and Cut points tabs' logic against the real store on a real sample: sorting
 * the tables, the solver settings as `cutline solve` text (and back), a single cut as a
 * placement (the single-split family's own), a previewed suggestion (figures with the
 * difference from the design, the layers and blocks that would move, pins kept) and applying it
 * as one undoable step; solvers that find the same placement share one row.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { splitPlacement } from '../../core/partition/splits.js';
import { loadTopology } from '../../core/profiles/load.js';
import {
  applySuggestion,
  cutPointPlacement,
  previewSuggestion,
} from '../../app/renderer/actions/suggestion.js';
import { paretoChartData } from '../../app/renderer/charts/pareto-data.js';
import { figureRows } from '../../app/renderer/design/figure-rows.js';
import {
  placementArray,
  selectCommittedEvaluation,
  selectCommittedProblem,
  selectDesignFigures,
} from '../../app/renderer/design/figures.js';
import { ancestorBlocks } from '../../app/renderer/model/model-index.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { singleCutOf } from '../../app/renderer/suggest/cut-rows.js';
import {
  selectPreviewBlockMoves,
  selectPreviewLabel,
  selectPreviewMoves,
} from '../../app/renderer/suggest/preview-slice.js';
import { solveRequestText } from '../../app/renderer/suggest/solve-selectors.js';
import {
  constraintTexts,
  formFromDesign,
  objectiveText,
  pinConstraints,
  type SolveForm,
} from '../../app/renderer/suggest/solve-settings.js';
import { ariaSortOf, nextSort, sortRows } from '../../app/renderer/suggest/sort.js';
import { suggestionRows, suggestionSortKey } from '../../app/renderer/suggest/suggestion-rows.js';
import type { TierName } from '../../core/tiers.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const SAMPLE = path.resolve('samples/resnet-mini.onnx');
const { view, partition } = analysedSample(SAMPLE);
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const TIERS: readonly TierName[] = ['device', 'edge', 'cloud'];

const state = () => useStudio.getState();
const design = () => state().design!;
const built = () => selectCommittedProblem(state())!;

beforeEach(() => startDesignOf(openedModel(SAMPLE, view, partition), topology));

describe('sorting a results table', () => {
  const rows = [
    { name: 'a', ms: 3 },
    { name: 'b', ms: null },
    { name: 'c', ms: 1 },
    { name: 'd', ms: 3 },
  ];
  const key = (row: (typeof rows)[number]) => row.ms;

  it('sorts numbers both ways, keeps ties in their order and rows without a value last', () => {
    expect(sortRows(rows, key, 'ascending').map((r) => r.name)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortRows(rows, key, 'descending').map((r) => r.name)).toEqual(['a', 'd', 'c', 'b']);
    expect(sortRows(rows, (r) => r.name, 'descending').map((r) => r.name)).toEqual(['d', 'c', 'b', 'a']);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a header click sorts by its column, a second reverses, another column starts afresh', () => {
    const first = nextSort(null, 'latency');
    expect(first).toEqual({ column: 'latency', direction: 'ascending' });
    const second = nextSort(first, 'latency');
    expect(second.direction).toBe('descending');
    expect(nextSort(second, 'throughput', 'descending')).toEqual({
      column: 'throughput',
      direction: 'descending',
    });
    expect(ariaSortOf(second, 'latency')).toBe('descending');
    expect(ariaSortOf(second, 'energy')).toBe('none');
    expect(ariaSortOf(null, 'latency')).toBe('none');
  });
});

describe('solver settings as cutline solve text', () => {
  const base = formFromDesign('latency', []);

  it('writes every field as the constraint the CLI takes, and reads it back', () => {
    const form: SolveForm = {
      ...base,
      objective: 'weighted',
      latencyWeight: 0.7,
      rawInputOnDevice: true,
      minDeviceLayers: '3',
      memory: { device: '512MiB', cloud: ' 2 GB ' },
      deadlineMs: '40.5',
      tiers: ['device', 'cloud'],
      extra: ['pin:conv1=device'],
    };
    expect(objectiveText(form)).toBe('weighted:0.7,0.3');
    const texts = constraintTexts(form, TIERS);
    expect(texts).toEqual({
      ok: true,
      constraints: [
        'raw-input-on-device',
        'min-device-layers=3',
        'memory:device=512MiB',
        'memory:cloud=2GB',
        'deadline=40.5',
        'tiers=device,cloud',
        'pin:conv1=device',
      ],
    });
    if (!texts.ok) return;
    const back = formFromDesign(objectiveText(form), texts.constraints);
    expect(back).toEqual({ ...form, memory: { device: '512MiB', cloud: '2GB' } });
  });

  it('leaves out what is not asked for: all tiers allowed, no limits, a zero layer count', () => {
    expect(
      constraintTexts({ ...base, tiers: ['device', 'edge', 'cloud'], minDeviceLayers: '0' }, TIERS),
    ).toEqual({
      ok: true,
      constraints: [],
    });
    // A tier choice the topology no longer has narrows to the tiers it has.
    expect(constraintTexts({ ...base, tiers: ['device', 'cloud'] }, ['device', 'edge'])).toEqual({
      ok: true,
      constraints: ['tiers=device'],
    });
    expect(objectiveText({ objective: 'energy', latencyWeight: 0.2 })).toBe('energy');
  });

  it('names the field that is wrong and says what to write', () => {
    const texts = constraintTexts(
      { ...base, minDeviceLayers: 'three', deadlineMs: '0', memory: { edge: 'lots' } },
      TIERS,
    );
    expect(texts.ok).toBe(false);
    if (texts.ok) return;
    expect(texts.problems.map((p) => p.field)).toEqual(['min-device-layers', 'memory:edge', 'deadline']);
    expect(texts.problems[1]!.message).toBe('"lots" is not a size: write e.g. 512MiB, 2GB or 1048576.');
  });

  it('reads a weighted objective as the slider position, whatever the weights add up to', () => {
    const form = formFromDesign('weighted:1,3', []);
    expect(form.objective).toBe('weighted');
    expect(form.latencyWeight).toBe(0.25);
    expect(formFromDesign('fastest', []).objective).toBe('latency');
  });

  it('asks the solvers to keep the pins at their tiers unless told not to, and writes the design without them', () => {
    const [a, b] = view.layers.filter((l) => l.within === undefined).slice(-2);
    state().moveLayers([a!.id], 'edge');
    state().setPinned([a!.id, b!.id], true);
    state().setSolveDraft(state().opened!.sessionId, { ...base, rawInputOnDevice: true });
    const request = solveRequestText(state());
    expect(request).toEqual({
      ok: true,
      objective: 'latency',
      designConstraints: ['raw-input-on-device'],
      constraints: ['raw-input-on-device', ...pinConstraints(design().pins, design().placement)],
    });
    expect(pinConstraints(design().pins, design().placement).sort()).toEqual(
      [`pin:${a!.id}=edge`, `pin:${b!.id}=device`].sort(),
    );
    state().setSolveDraft(state().opened!.sessionId, { ...base, rawInputOnDevice: true, keepPins: false });
    const unpinned = solveRequestText(state());
    expect(unpinned?.ok && unpinned.constraints).toEqual(['raw-input-on-device']);
  });

  it('records the objective and constraints the solvers ran with as one undoable step', () => {
    const before = state().past.length;
    state().setSolverSettings('energy', ['raw-input-on-device']);
    expect(state().past.length).toBe(before + 1);
    expect(design().objective).toBe('energy');
    expect(design().constraints).toEqual(['raw-input-on-device']);
    state().setSolverSettings('energy', ['raw-input-on-device']);
    expect(state().past.length).toBe(before + 1);
    state().undo();
    expect(design().objective).toBe('latency');
    expect(design().constraints).toEqual([]);
  });
});

describe('a single cut as a placement', () => {
  it('puts the first layers on the device and the rest on the server tier, as the single-split family does', () => {
    const { problem } = built();
    const n = problem.units.length;
    for (const [k, server] of [
      [0, 2],
      [5, 1],
      [n - 1, 2],
    ] as const) {
      const record = cutPointPlacement(k, server);
      const placement = placementArray(built(), record);
      expect([...placement]).toEqual([...splitPlacement(problem, { kind: 'single', i: k, j: n, server })]);
      expect(Object.keys(record)).toHaveLength(n - k);
      expect(singleCutOf(problem, placement)).toEqual({ deviceLayers: k, serverTier: server });
    }
    expect(cutPointPlacement(n, 2)).toEqual({});
    expect(singleCutOf(problem, placementArray(built(), {}))).toEqual({ deviceLayers: n, serverTier: null });
  });
});

describe('previewing and applying a suggestion', () => {
  const cut = () => cutPointPlacement(6, 1);

  it('previews the figures with the difference from the design, and marks what would move', () => {
    const committed = selectCommittedEvaluation(state())!;
    previewSuggestion(cut(), 'cut after 6 layers');
    const figures = selectDesignFigures(state())!;
    expect(figures.isPreview).toBe(true);
    const expected = evaluatePlacement(built().problem, placementArray(built(), cut()));
    expect(figures.evaluation.latencyMs).toBe(expected.latencyMs);
    expect(figures.evaluation.deviceEnergyMj).toBe(expected.deviceEnergyMj);
    const latency = figureRows(figures.evaluation, TIERS, committed).find((r) => r.key === 'latency')!;
    expect(latency.delta).toMatch(/^[+−]/);
    expect(selectPreviewLabel(state())).toBe('cut after 6 layers');

    const moves = selectPreviewMoves(state())!;
    expect(new Set(moves.keys())).toEqual(new Set(Object.keys(cut())));
    expect([...moves.values()].every((tier) => tier === 'edge')).toBe(true);
    // Each block holding a moved layer is marked with how many of its layers move.
    const [moved] = moves.keys();
    const blocks = ancestorBlocks(state().index!, moved!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(selectPreviewBlockMoves(state(), block)).toBeGreaterThan(0);
    const outer = blocks[0]!;
    const inside = [...moves.keys()].filter((id) => ancestorBlocks(state().index!, id).includes(outer));
    expect(selectPreviewBlockMoves(state(), outer)).toBe(inside.length);

    // Nothing is recorded by a preview, and clearing it shows the design again.
    expect(state().past).toHaveLength(0);
    previewSuggestion(null);
    expect(state().preview).toBeNull();
    expect(selectPreviewMoves(state())).toBeNull();
    expect(selectDesignFigures(state())!.isPreview).toBe(false);
  });

  it('hovering the same suggestion again reuses its preview; a drag preview replaces the marks', () => {
    previewSuggestion(cut(), 'a');
    const first = state().suggestionPreview;
    previewSuggestion(cut(), 'a');
    expect(state().suggestionPreview).toBe(first);
    state().setPreview({});
    expect(selectPreviewMoves(state())).toBeNull();
    expect(selectPreviewLabel(state())).toBeNull();
  });

  it('keeps pinned layers where they are in the preview, as applying does', () => {
    const record = cut();
    const pinned = Object.keys(record)[0]!;
    state().setPinned([pinned], true);
    previewSuggestion(record, 'pinned cut');
    expect(selectPreviewMoves(state())!.has(pinned)).toBe(false);
    expect(selectPreviewMoves(state())!.size).toBe(Object.keys(record).length - 1);
    const previewed = state().preview!;
    expect(previewed[pinned]).toBeUndefined();
    const outcome = applySuggestion(record, 'Apply cut');
    expect(outcome.refused.map((r) => r.id)).toEqual([pinned]);
    // What was previewed is what was applied.
    expect(design().placement).toEqual(previewed);
  });

  it('applies as one undoable step that undo takes back whole', () => {
    const record = cut();
    previewSuggestion(record, 'min-cut suggestion');
    const before = state().past.length;
    const outcome = applySuggestion(record, 'Apply min-cut suggestion');
    expect(outcome).toEqual({ moved: Object.keys(record).length, refused: [] });
    expect(state().past).toHaveLength(before + 1);
    expect(state().past.at(-1)!.label).toBe('Apply min-cut suggestion');
    expect(design().placement).toEqual(record);
    expect(state().preview).toBeNull();
    expect(selectPreviewMoves(state())).toBeNull();
    // The figures after applying are the row's, to the bit.
    const rows = suggestionRows(built(), design(), [
      { source: 'min-cut', exact: true, notes: [], placement: record },
    ]);
    expect(rows[1]!.applied).toBe(true);
    expect(rows[1]!.evaluation.latencyMs).toBe(selectCommittedEvaluation(state())!.latencyMs);
    expect(rows[0]!.evaluation.latencyMs).toBe(rows[1]!.evaluation.latencyMs);
    state().undo();
    expect(design().placement).toEqual({});
    const after = suggestionRows(built(), design(), [
      { source: 'min-cut', exact: true, notes: [], placement: record },
    ]);
    expect(after[1]!.applied).toBe(false);
    expect(suggestionSortKey(after[1]!, 'hop-0')).toBeGreaterThan(0);
    expect(suggestionSortKey(after[0]!, 'hop-0')).toBe(0);
    expect(suggestionSortKey(after[0]!, 'device-layers')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('solvers that agree', () => {
  const atEdge = () => cutPointPlacement(6, 1);
  const atCloud = () => cutPointPlacement(6, 2);

  it('share one row naming each of them, exact if any proved it, notes once each', () => {
    // Two solvers find the same placement (as separate objects, one naming a device layer
    // explicitly, as a placement may); a third finds another.
    const same = atEdge();
    const onDevice = [...built().unitOf.keys()].find((id) => !Object.hasOwn(same, id))!;
    const explicit = { ...atEdge(), [onDevice]: 'device' as TierName };
    expect(Object.keys(explicit)).toHaveLength(Object.keys(same).length + 1);
    const rows = suggestionRows(built(), design(), [
      { source: 'single-split', exact: false, notes: ['searched 9 cuts', 'shared note'], placement: same },
      { source: 'min-cut', exact: true, notes: ['shared note'], placement: explicit },
      { source: 'tiers', exact: false, notes: ['tiered'], placement: atCloud() },
    ]);
    expect(rows.map((r) => r.solver)).toEqual(['Current design', 'single-split · min-cut', 'tiers']);
    expect(rows[1]!.solvers).toEqual(['single-split', 'min-cut']);
    expect(rows[1]!.exact).toBe(true);
    expect(rows[1]!.notes).toEqual(['searched 9 cuts', 'shared note']);
    expect(rows[1]!.label).toBe('Apply single-split · min-cut suggestion');
    expect(rows[1]!.previewLabel).toBe('single-split · min-cut suggestion');
    expect(rows[1]!.allAgree).toBe(false);
    expect(rows[2]!.solvers).toEqual(['tiers']);
    expect(rows[2]!.exact).toBe(false);
    expect(rows[1]!.evaluation.latencyMs).not.toBe(rows[2]!.evaluation.latencyMs);
    // Keys stay unique and stable: the first solver and where its plan was.
    expect(rows.map((r) => r.key)).toEqual(['current', 'single-split:0', 'tiers:2']);

    // Applying the shared row moves the design to it; the row says so.
    applySuggestion(rows[1]!.placement, rows[1]!.label);
    expect(state().past.at(-1)!.label).toBe('Apply single-split · min-cut suggestion');
    const after = suggestionRows(built(), design(), [
      { source: 'single-split', exact: false, notes: [], placement: same },
      { source: 'min-cut', exact: true, notes: [], placement: explicit },
    ]);
    expect(after).toHaveLength(2);
    expect(after[1]!.applied).toBe(true);
  });

  it('say so when every solver found the same placement, in the table and on the Pareto chart', () => {
    const plans = ['single-split', 'two-split', 'min-cut', 'tiers'].map((source) => ({
      source,
      exact: source !== 'two-split',
      notes: [],
      placement: atEdge(),
    }));
    const rows = suggestionRows(built(), design(), plans);
    expect(rows.map((r) => r.solver)).toEqual([
      'Current design',
      'single-split · two-split · min-cut · tiers (all agree)',
    ]);
    expect(rows[1]!.allAgree).toBe(true);
    const data = paretoChartData(built(), design(), { plans, pareto: null });
    expect(data.suggestions.map((p) => [p.name, p.applyLabel, p.exact])).toEqual([
      [
        'single-split · two-split · min-cut · tiers (all agree) suggestion',
        'Apply single-split · two-split · min-cut · tiers suggestion',
        true,
      ],
    ]);
    expect(data.suggestions[0]!.latencyMs).toBe(rows[1]!.evaluation.latencyMs);

    // One solver alone is its own row, with no agreement to speak of.
    const one = suggestionRows(built(), design(), plans.slice(0, 1));
    expect(one.map((r) => [r.solver, r.allAgree])).toEqual([
      ['Current design', false],
      ['single-split', false],
    ]);
  });
});
