/**
 * The renderer's design slice against the real store, on a real sample: history (record, undo,
 * redo, a cancelled drag leaves nothing, opening a model clears it), moves and pins, topology and
 * link edits, and figures equal to core/partition's evaluator for the same placement.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { loadTopology } from '../../core/profiles/load.js';
import { selectDesignFigures, selectCommittedEvaluation } from '../../app/renderer/design/figures.js';
import { selectDirty } from '../../app/renderer/store/design-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const SAMPLE = path.resolve('samples/resnet-mini.onnx');
const { analysis, view, partition } = analysedSample(SAMPLE);
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const twoTier = loadTopology('n2-wifi-i7');
const layerIds = view.layers.filter((l) => l.within === undefined).map((l) => l.id);

function openModel(): void {
  startDesignOf(openedModel(SAMPLE, view, partition), topology);
}

const state = () => useStudio.getState();
const design = () => state().design!;

/** The evaluator's figures for a placement record, computed the way the CLI does. */
function cliFigures(record: Readonly<Record<string, string>>, on = topology) {
  const built = buildPartitionProblem(analysis, on);
  const placement = Uint8Array.from(built.problem.units, (u) =>
    Math.max(
      0,
      on.tiers.findIndex((t) => t.name === (record[u.name] ?? 'device')),
    ),
  );
  return evaluatePlacement(built.problem, placement);
}

beforeEach(openModel);

describe('design history', () => {
  it('records a move as a per-layer diff, undoes and redoes it', () => {
    const ids = layerIds.slice(-3);
    const outcome = state().moveLayers(ids, 'cloud');
    expect(outcome).toEqual({ moved: 3, refused: [] });
    expect(state().past).toHaveLength(1);
    expect(state().past[0]!.label).toBe('Move 3 layers to Cloud');
    expect(state().past[0]!.diff.placement).toEqual(
      Object.fromEntries(ids.map((id) => [id, ['device', 'cloud']])),
    );
    const moved = design().placement;
    expect(selectDirty(state())).toBe(true);
    state().undo();
    expect(design().placement).toEqual({});
    expect(state().future).toHaveLength(1);
    state().redo();
    expect(design().placement).toEqual(moved);
    expect(state().future).toHaveLength(0);
  });

  it('a new edit after an undo drops the redo branch', () => {
    state().moveLayers([layerIds[5]!], 'edge');
    state().undo();
    state().moveLayers([layerIds[6]!], 'cloud');
    expect(state().future).toHaveLength(0);
    expect(design().placement).toEqual({ [layerIds[6]!]: 'cloud' });
  });

  it('a drag that is cancelled leaves nothing; a drop records one step', () => {
    const revision = state().revision;
    state().setPreview({ [layerIds[4]!]: 'edge' });
    expect(selectDesignFigures(state())!.isPreview).toBe(true);
    state().setPreview(null);
    expect(state().past).toHaveLength(0);
    expect(state().revision).toBe(revision);
    expect(design().placement).toEqual({});
    expect(selectDirty(state())).toBe(false);
    state().setPreview({ [layerIds[4]!]: 'edge' });
    state().moveLayers([layerIds[4]!], 'edge');
    expect(state().preview).toBeNull();
    expect(state().past).toHaveLength(1);
  });

  it('a move to the tier a layer is on records nothing', () => {
    expect(state().moveLayers(layerIds.slice(0, 2), 'device').moved).toBe(0);
    expect(state().past).toHaveLength(0);
  });

  it('opening a model clears the history and the design', () => {
    state().moveLayers([layerIds[3]!], 'cloud');
    openModel();
    expect(state().past).toHaveLength(0);
    expect(state().future).toHaveLength(0);
    expect(design().placement).toEqual({});
    expect(selectDirty(state())).toBe(false);
  });

  it('a recovered design starts dirty, with no history', () => {
    state().startDesign({ ...design(), placement: { [layerIds[3]!]: 'edge' } }, null, { dirty: true });
    expect(selectDirty(state())).toBe(true);
    expect(state().past).toHaveLength(0);
    state().markSaved('/tmp/b.cutline.json');
    expect(selectDirty(state())).toBe(false);
  });

  it('markSaved makes the design clean until the next edit, and undo past it is dirty again', () => {
    state().moveLayers([layerIds[3]!], 'cloud');
    state().markSaved('/tmp/a.cutline.json');
    expect(selectDirty(state())).toBe(false);
    state().undo();
    expect(selectDirty(state())).toBe(true);
  });
});

describe('placement moves and pins', () => {
  it('a block moves every layer inside it', () => {
    const block = view.blocks.find((b) => b.layerCount > 1)!;
    const outcome = state().moveLayers([block.id], 'edge');
    expect(outcome.moved).toBe(block.layerCount);
    expect(Object.values(design().placement).every((t) => t === 'edge')).toBe(true);
  });

  it('a pinned layer is refused with a reason and the others move', () => {
    const [pinned, other] = [layerIds[2]!, layerIds[3]!];
    state().setPinned([pinned], true);
    expect(design().pins).toEqual([pinned]);
    const outcome = state().moveLayers([pinned, other], 'cloud');
    expect(outcome.moved).toBe(1);
    expect(outcome.refused).toEqual([
      { id: pinned, reason: `${pinned} is pinned to Device: unpin it (P) to move it.` },
    ]);
    expect(design().placement).toEqual({ [other]: 'cloud' });
    // Pinning is undoable like any edit.
    state().undo();
    state().undo();
    expect(design().pins).toEqual([]);
  });

  it('a tier the topology lacks is refused', () => {
    state().setTopology(twoTier, 'n2-wifi-i7');
    const outcome = state().moveLayers([layerIds[1]!], 'cloud');
    expect(outcome.moved).toBe(0);
    expect(outcome.refused[0]!.reason).toContain('has no Cloud tier');
  });

  it('switching to a topology without a tier moves its layers to the nearest tier below, in one step', () => {
    state().moveLayers([layerIds[7]!], 'cloud');
    state().moveLayers([layerIds[8]!], 'edge');
    state().setTopology(twoTier, 'n2-wifi-i7');
    expect(twoTier.tiers.map((t) => t.name)).toEqual(['device', 'edge']);
    expect(design().placement).toEqual({ [layerIds[7]!]: 'edge', [layerIds[8]!]: 'edge' });
    state().undo();
    expect(design().topology).toBe(topology);
    expect(design().placement).toEqual({ [layerIds[7]!]: 'cloud', [layerIds[8]!]: 'edge' });
  });
});

describe('topology edits and figures', () => {
  it('the figures equal the evaluator run as the CLI runs it', () => {
    const record = Object.fromEntries(layerIds.slice(10).map((id) => [id, 'cloud' as const]));
    for (const id of layerIds.slice(4, 10)) record[id] = 'edge' as never;
    state().applyPlacement(record, 'Test split');
    const shown = selectDesignFigures(state())!.evaluation;
    const expected = cliFigures(record);
    expect(shown.latencyMs).toBe(expected.latencyMs);
    expect(shown.deviceEnergyMj).toBe(expected.deviceEnergyMj);
    expect(shown.throughputPerS).toBe(expected.throughputPerS);
    expect(shown.hops).toEqual(expected.hops);
    expect(shown.memory).toEqual(expected.memory);
    expect(shown.rawInputLeavesDevice).toBe(expected.rawInputLeavesDevice);
  });

  it('a link edit re-costs at once, squashes quick edits of one link, and undoes in one step', () => {
    state().moveLayers(layerIds.slice(6), 'edge');
    const before = selectCommittedEvaluation(state())!.latencyMs;
    state().editLink(0, { uplinkMbps: 2 });
    state().editLink(0, { uplinkMbps: 1 });
    const slower = selectCommittedEvaluation(state())!.latencyMs;
    expect(slower).toBeGreaterThan(before);
    expect(state().past).toHaveLength(2);
    expect(design().topologyId).toBeNull();
    const edited = {
      ...topology,
      hops: topology.hops.map((h, i) => (i === 0 ? { ...h, uplinkMbps: 1 } : h)),
    };
    expect(slower).toBe(cliFigures(design().placement, edited).latencyMs);
    state().undo();
    expect(design().topology).toBe(topology);
    expect(selectCommittedEvaluation(state())!.latencyMs).toBe(before);
  });

  it('input bindings and objective are recorded like any edit', () => {
    state().setInputs({ input: '1x3x64x64' });
    state().setObjective('energy');
    expect(design().inputs).toEqual({ input: '1x3x64x64' });
    state().undo();
    state().undo();
    expect(design().inputs).toEqual({});
    expect(design().objective).toBe('latency');
  });
});
