/** The request validators both hosts run at their boundary (app/shared/studio-validate.ts). */
import { describe, expect, it } from 'vitest';
import {
  MAX_PLACED_LAYERS,
  STUDIO_ARGS,
  isStudioMethod,
  parseProjectFile,
  parseStudioArgs,
} from '../app/shared/studio-validate.js';
import {
  CHANNELS,
  MAX_PROJECT_TEXT_BYTES,
  type ProjectFile,
  type RecoveredDesign,
} from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';

const project: ProjectFile = {
  format: 'cutline-project',
  version: 2,
  model: { fileName: 'resnet-mini.onnx', path: '/home/me/resnet-mini.onnx', sha256: '0f'.repeat(32) },
  inputs: { input: '1x3x64x64' },
  topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
  placement: { '/layer1/Conv': 'edge', fc: 'cloud' },
  pins: ['fc'],
  objective: 'latency',
  constraints: ['raw-input-on-device'],
  view: { expanded: [], selected: null, metric: 'macs' },
};
const topology = loadTopology('n2-wifi-i7');
const design: RecoveredDesign = { project, projectPath: null, savedAt: '2026-12-06T21:00:00.000Z' };

describe('studio request validation', () => {
  it('has a validator for every method of the contract', () => {
    expect(Object.keys(STUDIO_ARGS).sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(isStudioMethod('openRecent')).toBe(true);
    expect(isStudioMethod('onProgress')).toBe(false);
    expect(isStudioMethod('__proto__')).toBe(false);
  });

  it('accepts well-formed arguments', () => {
    expect(parseStudioArgs('hostInfo', [])).toEqual({ ok: true, args: [] });
    expect(parseStudioArgs('openRecent', ['/tmp/a.onnx'])).toEqual({ ok: true, args: ['/tmp/a.onnx'] });
    const bytes = new Uint8Array([8, 1]);
    expect(parseStudioArgs('openBytes', ['model.onnx', bytes])).toEqual({
      ok: true,
      args: ['model.onnx', bytes],
    });
    expect(parseStudioArgs('openSample', ['resnet-mini'])).toMatchObject({ ok: true });
    expect(parseStudioArgs('cancel', [crypto.randomUUID()])).toMatchObject({ ok: true });
    expect(parseStudioArgs('saveProject', [project, { saveAs: false }])).toEqual({
      ok: true,
      args: [project, { saveAs: false }],
    });
    const session = crypto.randomUUID();
    const analyse = { kind: 'analyse', args: { inputs: { x: '1x3x640x640' } } };
    expect(parseStudioArgs('startJob', [session, analyse])).toEqual({ ok: true, args: [session, analyse] });
    expect(parseStudioArgs('startJob', [session, { kind: 'problem', args: { topology } }])).toEqual({
      ok: true,
      args: [session, { kind: 'problem', args: { topology } }],
    });
    // A mistyped binding is the job's to report (BAD_INPUT_BINDING), not a bad request.
    expect(
      parseStudioArgs('startJob', [session, { kind: 'analyse', args: { inputs: { x: '1xx' } } }]),
    ).toMatchObject({
      ok: true,
    });
    expect(parseStudioArgs('rememberTopology', [null, topology])).toEqual({
      ok: true,
      args: [null, topology],
    });
    expect(parseStudioArgs('rememberTopology', ['n2-wifi-i7', topology])).toMatchObject({ ok: true });
    expect(parseStudioArgs('autosave', [design])).toEqual({ ok: true, args: [design] });
    expect(parseStudioArgs('autosave', [null])).toEqual({ ok: true, args: [null] });
    expect(parseStudioArgs('openProjectText', ['p.json', '{}'])).toMatchObject({ ok: true });
    expect(parseStudioArgs('setDirty', [true])).toEqual({ ok: true, args: [true] });
  });

  it.each([
    ['hostInfo', ['extra']],
    ['openRecent', []],
    ['openRecent', ['']],
    ['openRecent', ['/tmp/a\0.onnx']],
    ['openRecent', [42]],
    ['openBytes', ['../../etc/passwd', new Uint8Array(1)]],
    ['openBytes', ['a.onnx', [8, 1]]],
    ['openBytes', ['a\nb.onnx', new Uint8Array(1)]],
    ['openSample', ['../secret']],
    ['cancel', ['job; rm -rf /']],
    ['saveProject', [project]],
    ['saveProject', [project, { saveAs: 'yes' }]],
    ['saveProject', [{ ...project, extra: 1 }, { saveAs: false }]],
    ['saveProject', [{ ...project, placement: { conv: 'moon' } }, { saveAs: false }]],
    ['saveProject', [{ ...project, model: { ...project.model, sha256: 'xyz' } }, { saveAs: false }]],
    ['saveProject', [{ ...project, version: 1 }, { saveAs: false }]],
    ['startJob', ['session; rm', { kind: 'analyse', args: { inputs: {} } }]],
    ['startJob', [crypto.randomUUID(), { kind: 'solve', args: {} }]],
    ['startJob', [crypto.randomUUID(), { kind: 'analyse', args: { inputs: { x: 3 } } }]],
    ['startJob', [crypto.randomUUID(), { kind: 'analyse', args: { inputs: {}, extra: 1 } }]],
    ['startJob', [crypto.randomUUID(), { kind: 'problem', args: { topology: { ...topology, hops: [] } } }]],
    ['loadTopology', ['../topologies/x']],
    ['rememberTopology', ['n2-wifi-i7', { spec: topology.spec }]],
    ['parseTopology', ['t.json', 'x'.repeat(MAX_PROJECT_TEXT_BYTES + 1)]],
    ['openProjectText', ['../p.json', '{}']],
    ['openRecentProject', ['']],
    ['autosave', [{ ...design, savedAt: 'yesterday' }]],
    ['autosave', [{ ...design, project: { ...project, version: 3 } }]],
    ['setDirty', ['yes']],
  ] as const)('refuses %s %j with a message naming the method', (method, args) => {
    const result = parseStudioArgs(method, args);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.startsWith(`${method}: `)).toBe(true);
  });

  it('names the offending argument', () => {
    const result = parseStudioArgs('saveProject', [
      { ...project, placement: { conv: 'moon' } },
      { saveAs: false },
    ]);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('args[0].placement.conv') });
  });

  it('limits the number of placed layers', () => {
    const placement = Object.fromEntries(
      Array.from({ length: MAX_PLACED_LAYERS + 1 }, (_, i) => [`n${i}`, 'edge']),
    );
    expect(parseProjectFile({ ...project, placement })).toMatchObject({ ok: false });
    expect(parseProjectFile(project)).toEqual({ ok: true, project });
  });
});
