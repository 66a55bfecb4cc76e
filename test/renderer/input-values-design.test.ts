/**
 * Input values in the studio's design, against the real store and core's project parser: a value
 * set in the header is one history step that undo and redo take back and forth, it is saved in
 * the project and read back, the header offers a value field to small number inputs only, and
 * an undecided If is named among the reasons the totals are approximate.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../core/analyze.js';
import { partitionSource } from '../../core/partition/source.js';
import { loadTopology } from '../../core/profiles/load.js';
import { parseProject } from '../../core/project/parse.js';
import { buildModelView } from '../../core/view/build.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import type { OpenedModel } from '../../app/shared/studio-api.js';
import {
  approximationReasons,
  assumptionNotice,
  valueInputs,
  valuesFromDrafts,
} from '../../app/renderer/actions/input-binding.js';
import { analysisNeeded } from '../../app/renderer/actions/analyse.js';
import { buildProject, designFromProject } from '../../app/renderer/actions/project-file.js';
import { NO_PLACEMENT } from '../../app/renderer/store/design-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { srBranchModel } from '../support/branch-models.js';

const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const analysisOf = (values: string[] = []) =>
  analyzeBytes(srBranchModel(), { inputValues: values.map(parseInputValue) });
const viewOf = (values: string[] = []) => buildModelView(analysisOf(values));

function opened(inputValues?: Record<string, string>): OpenedModel {
  const analysis = analysisOf(Object.entries(inputValues ?? {}).map(([n, v]) => `${n}=${v}`));
  return {
    jobId: 'job-1',
    sessionId: 'session-1',
    fileName: 'vad-like.onnx',
    path: '/models/vad-like.onnx',
    sha256: 'a'.repeat(64),
    view: buildModelView(analysis),
    partition: partitionSource(analysis).source,
    inputs: {},
    ...(inputValues ? { inputValues } : {}),
  };
}

beforeEach(() => {
  useStudio.setState({ design: null, past: [], future: [], opened: null, analysis: null });
  useStudio.getState().startDesign(
    {
      placement: NO_PLACEMENT,
      pins: [],
      topology,
      topologyId: 'pi4-wifi-edge-wan-cloud',
      inputs: {},
      objective: 'latency',
      constraints: [],
    },
    null,
  );
});

describe('input values in the design', () => {
  it('are one undoable step, and the design then asks for an analysis with them', () => {
    const state = () => useStudio.getState();
    state().setInputs({}, { sr: '16000' });
    expect(state().design?.inputValues).toEqual({ sr: '16000' });
    expect(state().past.map((e) => e.label)).toEqual(['Set input values']);
    useStudio.setState({ opened: opened() });
    expect(analysisNeeded(state())).toEqual({ inputs: {}, inputValues: { sr: '16000' } });
    state().undo();
    expect(state().design?.inputValues).toEqual({});
    expect(analysisNeeded(state())).toBeNull();
    state().redo();
    expect(state().design?.inputValues).toEqual({ sr: '16000' });
    // The same values again record nothing.
    state().setInputs({}, { sr: '16000' });
    expect(state().past).toHaveLength(1);
  });

  it('are saved in the project and read back from it', () => {
    useStudio.getState().setInputs({}, { sr: '8000' });
    const { design } = useStudio.getState();
    const project = buildProject({
      opened: opened(),
      design: design!,
      expanded: new Set(),
      selected: null,
      metric: 'macs',
    });
    expect(project.inputValues).toEqual({ sr: '8000' });
    const parsed = parseProject(JSON.parse(JSON.stringify(project)) as unknown);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(designFromProject(parsed.project, topology, viewOf()).design.inputValues).toEqual({ sr: '8000' });
  });

  it('typed values go over the applied ones; an emptied field removes its value', () => {
    expect(valuesFromDrafts({ sr: '8000' }, { symbols: {}, dims: {}, values: { sr: ' 16000 ' } })).toEqual({
      sr: '16000',
    });
    expect(valuesFromDrafts({ sr: '8000' }, { symbols: {}, dims: {}, values: { sr: '' } })).toEqual({});
  });
});

describe('the header', () => {
  it('offers a value field to the scalar sr, not to the data input x', () => {
    expect([...valueInputs(viewOf().summary, {})]).toEqual(['sr']);
  });

  it('names an undecided If among the reasons the totals are approximate, and not once it is decided', () => {
    expect(approximationReasons(viewOf()).join(' ')).toContain('The condition of by_rate depends on data');
    expect(approximationReasons(viewOf(['sr=16000'])).join(' ')).not.toContain('depends on data');
  });

  it('the notice beside the figures names the unbound size and the undecided If, and goes once both are given', () => {
    expect(assumptionNotice(viewOf())).toBe(
      "Estimates: batch unbound: assumed 1; by_rate's branch undecided: the larger costed",
    );
    const bound = buildModelView(
      analyzeBytes(srBranchModel(), {
        inputShapes: { x: [1, 64] },
        inputValues: [parseInputValue('sr=8000')],
      }),
    );
    expect(assumptionNotice(bound)).toBeNull();
  });
});
