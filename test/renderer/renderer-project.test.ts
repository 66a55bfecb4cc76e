/**
 * The studio's project handling against the real store and core's real project parser, on real
 * samples: a project built from the store and applied again gives the same design and view; a
 * version 1 file opens through the same apply (layers the model lacks are dropped and said so);
 * dirty tracking across edits, saves and recovery; the autosave schedule as a function of
 * revisions; the header's input-binding fields and why totals are approximate.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../core/analyze.js';
import { partitionSource } from '../../core/partition/source.js';
import { loadTopology } from '../../core/profiles/load.js';
import { parseProject } from '../../core/project/parse.js';
import { projectTopology } from '../../core/project/topology.js';
import type { ProjectFile } from '../../core/project/types.js';
import { buildModelView } from '../../core/view/build.js';
import type { ModelView } from '../../core/view/types.js';
import type { OpenedModel } from '../../app/shared/studio-api.js';
import { applyProject } from '../../app/renderer/actions/apply-project.js';
import {
  AUTOSAVE_IDLE,
  AUTOSAVE_MAX_WAIT_MS,
  onDesignChanged,
  onTimerFired,
  type AutosaveState,
  type DesignRevision,
} from '../../app/renderer/actions/autosave.js';
import { retierNotice } from '../../app/renderer/actions/retier-notice.js';
import { jsonFileKind } from '../../app/renderer/actions/file-kind.js';
import {
  approximationReasons,
  bindingsFromFields,
  inputFields,
} from '../../app/renderer/actions/input-binding.js';
import { buildProject, designFromProject } from '../../app/renderer/actions/project-file.js';
import { NO_PLACEMENT, selectDirty } from '../../app/renderer/store/design-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';

const SAMPLES = path.resolve('samples');
const TOPOLOGY_ID = 'pi4-wifi-edge-wan-cloud';
const topology = loadTopology(TOPOLOGY_ID);
const twoTier = loadTopology('n2-wifi-i7');

function sample(file: string, inputShapes?: Record<string, (number | string)[]>) {
  const analysis = analyzeFile(path.join(SAMPLES, file), inputShapes ? { inputShapes } : {});
  return { view: buildModelView(analysis), partition: partitionSource(analysis).source };
}

const mobilenet = sample('mobilenetv2-mini.onnx');
const placeable = (view: ModelView) => view.layers.filter((l) => l.within === undefined).map((l) => l.id);

let opens = 0;
function openedModel(
  view: ModelView = mobilenet.view,
  inputs: Record<string, string> = {},
  fileName = 'mobilenetv2-mini.onnx',
): OpenedModel {
  opens++;
  return {
    jobId: `job-${opens}`,
    sessionId: `session-${opens}`,
    fileName,
    path: path.join(SAMPLES, fileName),
    sha256: 'a'.repeat(64),
    view,
    partition: mobilenet.partition,
    inputs,
  };
}

/** Opens a model the way the lead's sync does: a fresh design on the bundled topology. */
function openFresh(): OpenedModel {
  const model = openedModel();
  useStudio.getState().openFinished({ ok: true, model });
  useStudio.getState().startDesign(
    {
      placement: NO_PLACEMENT,
      pins: [],
      topology,
      topologyId: TOPOLOGY_ID,
      inputs: {},
      objective: 'latency',
      constraints: [],
    },
    null,
  );
  return model;
}

const state = () => useStudio.getState();

/** The project Save would write now, read back as the host and the CLI read it. */
function savedAndRead(): ProjectFile {
  const { opened, design } = state();
  const project = buildProject({ ...state(), opened: opened!, design: design! });
  const parsed = parseProject(JSON.parse(JSON.stringify(project)) as unknown);
  if (!parsed.ok) throw new Error(parsed.message);
  expect(parsed.migratedFrom).toBeNull();
  return parsed.project;
}

beforeEach(() => {
  openFresh();
});

describe('project round trip', () => {
  it('gives back the same design and view state when applied to the model again', () => {
    const layers = placeable(mobilenet.view);
    state().moveLayers(layers.slice(-6, -3), 'edge');
    state().moveLayers(layers.slice(-3), 'cloud');
    state().setPinned([layers.at(-1)!], true);
    state().setObjective('energy');
    state().setConstraints(['raw-input-on-device']);
    const blocks = mobilenet.view.blocks.slice(0, 3).map((b) => b.id);
    state().setExpanded(new Set(blocks));
    state().select(layers[4]!);
    const metric = state().overlay.metrics.at(-1)!.key;
    state().setMetric(metric);
    const before = { design: state().design, expanded: state().expanded, selected: state().selected };

    const project = savedAndRead();
    expect(project.topology).toEqual({ kind: 'bundled', id: TOPOLOGY_ID });
    expect(project.view).toEqual({ expanded: [...blocks].sort(), selected: layers[4], metric });

    // Another model replaces it; then the project opens again on a fresh open of its model.
    openFresh();
    expect(state().design!.placement).toEqual({});
    const made = applyProject(openedModel(), project, '/projects/m.cutline.json', topology);
    expect(made.dropped).toEqual([]);
    expect(state().design).toEqual(before.design);
    expect(state().expanded).toEqual(before.expanded);
    expect(state().selected).toBe(before.selected);
    expect(state().metric).toBe(metric);
    expect(state().projectPath).toBe('/projects/m.cutline.json');
    expect(state().past).toEqual([]);
    expect(selectDirty(state())).toBe(false);
  });

  it('saves an edited topology inline and restores its figures', () => {
    state().editLink(0, { uplinkMbps: 3.5, rttMs: 42 });
    state().moveLayers(placeable(mobilenet.view).slice(-2), 'cloud');
    const edited = state().design!;
    expect(edited.topologyId).toBeNull();
    const project = savedAndRead();
    expect(project.topology.kind).toBe('inline');
    const inline = projectTopology(project);
    openFresh();
    applyProject(openedModel(), project, null, inline);
    expect(state().design!.topology.hops[0]).toMatchObject({ uplinkMbps: 3.5, rttMs: 42 });
    expect(state().design!.topology.hops).toEqual(edited.topology.hops);
    expect(state().design!.placement).toEqual(edited.placement);
  });
});

describe('version 1 projects', () => {
  const layers = placeable(mobilenet.view);
  const v1 = {
    format: 'cutline-project',
    version: 1,
    model: { fileName: 'mobilenetv2-mini.onnx', path: null, sha256: 'a'.repeat(64) },
    placement: { [layers[10]!]: 'edge', [layers.at(-1)!]: 'cloud', conv_removed_since: 'cloud' },
  };

  it('migrate and apply: placement kept, a layer the model lacks dropped and reported', () => {
    const parsed = parseProject(v1);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.migratedFrom).toBe(1);
    const made = applyProject(openedModel(), parsed.project, null, projectTopology(parsed.project));
    expect(made.dropped).toEqual(['conv_removed_since']);
    expect(state().design!.placement).toEqual({ [layers[10]!]: 'edge', [layers.at(-1)!]: 'cloud' });
    expect(state().design!.topologyId).toBe(
      parsed.project.topology.kind === 'bundled' ? parsed.project.topology.id : null,
    );
    expect(state().design!.inputs).toEqual({});
    expect(state().notice).toMatch(
      /1 layer of the project no longer in the model was dropped.*conv_removed_since/,
    );
  });

  it('on a topology without a cloud, cloud layers move to the nearest tier below', () => {
    const parsed = parseProject(v1);
    if (!parsed.ok) throw new Error(parsed.message);
    const made = designFromProject(parsed.project, twoTier, mobilenet.view);
    expect(made.retiered).toBe(1);
    expect(made.design.placement).toEqual({ [layers[10]!]: 'edge', [layers.at(-1)!]: 'edge' });
  });
});

describe('choosing a topology with fewer tiers', () => {
  it('moves cloud layers to the edge in the same undoable step and says so', () => {
    const layers = placeable(mobilenet.view).slice(-4);
    state().moveLayers(layers, 'cloud');
    const before = state().design!.placement;
    state().setTopology(twoTier, 'n2-wifi-i7');
    const after = state().design!.placement;
    expect(after).toEqual(Object.fromEntries(layers.map((id) => [id, 'edge'])));
    expect(retierNotice(before, after, twoTier.spec.name)).toBe(
      `${twoTier.spec.name} has fewer tiers: 4 layers on Cloud moved to Edge (undo to put them back).`,
    );
    state().undo();
    expect(state().design!.placement).toEqual(before);
    expect(state().design!.topologyId).toBe(TOPOLOGY_ID);
  });
});

describe('dirty tracking', () => {
  it('follows edits, undo to the saved revision, saves and a recovered design', () => {
    expect(selectDirty(state())).toBe(false);
    state().moveLayers(placeable(mobilenet.view).slice(-1), 'cloud');
    expect(selectDirty(state())).toBe(true);
    state().markSaved('/projects/a.cutline.json');
    expect(selectDirty(state())).toBe(false);
    state().undo();
    expect(selectDirty(state())).toBe(true);
    state().redo();
    // Redo reaches the saved design again, but through a new revision: still marked unsaved.
    expect(state().revision).not.toBe(state().savedRevision);
    const project = savedAndRead();
    applyProject(openedModel(), project, null, topology, { dirty: true });
    expect(selectDirty(state())).toBe(true);
    expect(state().design!.placement).toEqual(project.placement);
  });
});

describe('autosave schedule', () => {
  const at = (revision: number, dirty = true, held = false): DesignRevision => ({ revision, dirty, held });

  it('writes once the design stays unchanged, each change restarting the wait', () => {
    let s: AutosaveState = AUTOSAVE_IDLE;
    let step = onDesignChanged(s, at(1));
    expect(step.action).toBe('schedule');
    s = step.state;
    step = onDesignChanged(s, at(2));
    expect(step.action).toBe('schedule');
    s = step.state;
    // The timer of revision 1 firing late writes nothing: revision 2 has its own.
    expect(onTimerFired({ ...s, scheduled: 1 }, at(2)).action).toBe('none');
    step = onTimerFired(s, at(2));
    expect(step).toEqual({
      state: { scheduled: null, hostHolds: true, pendingSince: null },
      action: 'write',
    });
    s = step.state;
    // Saved: the host's copy is cleared once, then nothing more.
    step = onDesignChanged(s, at(3, false));
    expect(step).toEqual({ state: AUTOSAVE_IDLE, action: 'clear' });
    expect(onDesignChanged(step.state, at(3, false)).action).toBe('none');
  });

  it('writes nothing while a recovered design is offered, and schedules once it is answered', () => {
    let step = onDesignChanged(AUTOSAVE_IDLE, at(5, true, true));
    expect(step.action).toBe('none');
    step = onDesignChanged(step.state, at(5, true, false));
    expect(step.action).toBe('schedule');
    expect(onTimerFired(step.state, at(5, true, true)).action).toBe('none');
    expect(onTimerFired(step.state, at(5)).action).toBe('write');
  });

  it('edits that never pause are still written every AUTOSAVE_MAX_WAIT_MS', () => {
    const edit = (revision: number, atMs: number): DesignRevision => ({
      revision,
      dirty: true,
      held: false,
      at: atMs,
    });
    let s: AutosaveState = AUTOSAVE_IDLE;
    let writes = 0;
    // An edit every 500 ms for 12 s: the 1 s pause never comes.
    for (let i = 0; i < 24; i++) {
      const step = onDesignChanged(s, edit(i + 1, i * 500));
      if (step.action === 'write') writes++;
      else expect(step.action).toBe('schedule');
      s = step.state;
    }
    expect(writes).toBe(Math.floor((23 * 500) / AUTOSAVE_MAX_WAIT_MS));
  });

  it('a change undone before the timer fires clears what was scheduled', () => {
    const step = onDesignChanged(AUTOSAVE_IDLE, at(7));
    expect(onDesignChanged(step.state, at(8, false))).toEqual({ state: AUTOSAVE_IDLE, action: 'clear' });
  });
});

describe('input binding fields', () => {
  const transformer = sample('transformer-encoder.onnx');
  const model = openedModel(transformer.view, {}, 'transformer-encoder.onnx');

  it('offer the symbolic dimensions with their symbols and make the CLI binding', () => {
    const declared = model.view.summary.declaredInputShapes;
    const fields = inputFields(transformer.view.summary, {}, declared);
    expect(fields).toHaveLength(1);
    expect(fields[0]!.dims!.map((d) => [d.label, d.fixed, d.value])).toEqual([
      ['input_ids dimension 0 (batch)', null, ''],
      ['input_ids dimension 1 (sequence)', null, ''],
    ]);
    const made = bindingsFromFields(fields, {
      'input_ids dimension 0 (batch)': '1',
      'input_ids dimension 1 (sequence)': '128',
    });
    expect(made).toEqual({ ok: true, inputs: { input_ids: '1x128' } });
    // One dimension left empty stays symbolic; none bound leaves the input unbound.
    expect(bindingsFromFields(fields, { 'input_ids dimension 1 (sequence)': '16' })).toEqual({
      ok: true,
      inputs: { input_ids: 'batchx16' },
    });
    expect(bindingsFromFields(fields, {})).toEqual({ ok: true, inputs: {} });
    const bad = bindingsFromFields(fields, { 'input_ids dimension 0 (batch)': 'two' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('BAD_INPUT_BINDING');
  });

  it('after binding, prefill the bound sizes and keep the fixed dimensions fixed', () => {
    const bound = sample('transformer-encoder.onnx', { input_ids: [1, 128] });
    const fields = inputFields(
      bound.view.summary,
      { input_ids: '1x128' },
      model.view.summary.declaredInputShapes,
    );
    expect(fields[0]!.dims!.map((d) => [d.label, d.value])).toEqual([
      ['input_ids dimension 0 (batch)', '1'],
      ['input_ids dimension 1 (sequence)', '128'],
    ]);
    const fixed = inputFields(mobilenet.view.summary, {}, null);
    expect(fixed[0]!.dims!.every((d) => d.fixed !== null)).toBe(true);
  });

  it('say why totals are approximate, and say nothing once they are exact', () => {
    expect(approximationReasons(transformer.view)[0]).toBe(
      'Input input_ids has unbound dimensions (batch, sequence): bind them in the header.',
    );
    // Bound, the remaining reason is the operators costed by estimate.
    const bound = sample('transformer-encoder.onnx', { input_ids: [1, 128] });
    expect(approximationReasons(bound.view)).toEqual([
      '6 layer(s) whose cost is an estimate (Erf, Pow, Softmax: no exact MAC count for the operator, or sizes known only at run time).',
    ]);
    const resnet = sample('resnet-mini.onnx');
    expect(resnet.view.summary.totals.exact).toBe(true);
    expect(approximationReasons(resnet.view)).toEqual([]);
  });
});

describe('a dropped JSON file', () => {
  it('is told apart by its content: a project, a topology, or neither', () => {
    const project = savedAndRead();
    expect(jsonFileKind(JSON.stringify(project))).toBe('project');
    expect(jsonFileKind(JSON.stringify(topology.spec))).toBe('topology');
    expect(jsonFileKind('{"format":')).toBeNull();
    expect(jsonFileKind('[1, 2]')).toBeNull();
    expect(jsonFileKind('{"name": "a package.json"}')).toBeNull();
  });
});
