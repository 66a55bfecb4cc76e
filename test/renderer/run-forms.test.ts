/**
 * The dock's forms as the user left them, in the real store: the Export, Run and This machine
 * forms, the Bandwidth tab's link and range and the Cut points tab's server tier are kept for the
 * open model (whatever the tabs do meanwhile) and start again from the defaults when another
 * model opens, the Export and Run forms from what that model's last export or run used.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import { DEFAULT_SWEEP_FORM } from '../../app/renderer/charts/sweep-data.js';
import { selectSweepForm } from '../../app/renderer/charts/sweep-slice.js';
import {
  exportFormFrom,
  harnessFormFrom,
  selectCalibrationForm,
  selectExportForm,
  selectHarnessForm,
} from '../../app/renderer/run/run-forms.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { selectCutServerTier } from '../../app/renderer/suggest/suggest-slice.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const SAMPLE = path.resolve('samples/resnet-mini.onnx');
const { view, partition } = analysedSample(SAMPLE);
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const state = () => useStudio.getState();
const openModel = () => startDesignOf(openedModel(SAMPLE, view, partition), topology);
const exportFormArgs = {
  topology,
  placement: {},
  pins: [],
  inputs: {},
  objective: 'latency',
  outDir: '/b',
  zip: false,
  force: false,
  onUnreachable: 'fail' as const,
  verify: true,
};

describe('dock forms', () => {
  it('keeps what was typed for the open model and forgets it when another opens', () => {
    openModel();
    expect(selectExportForm(state())).toBeNull();
    const exportForm = { ...exportFormFrom(undefined), outDir: '/tmp/my-bundle', zip: true };
    state().setRunForm('export', exportForm);
    const harnessForm = { ...harnessFormFrom(undefined), runs: '7', emulateLinks: false };
    state().setRunForm('harness', harnessForm);
    state().setRunForm('calibration', { runs: '4', warmup: '' });
    state().setSweepForm({ ...DEFAULT_SWEEP_FORM, hop: 2, from: '5' });
    state().setCutServerTier(1);

    // Each form is kept as typed, the others untouched by an edit of one.
    expect(selectExportForm(state())).toBe(exportForm);
    expect(selectHarnessForm(state())).toBe(harnessForm);
    expect(selectCalibrationForm(state())).toEqual({ runs: '4', warmup: '' });
    expect(selectSweepForm(state())).toEqual({ ...DEFAULT_SWEEP_FORM, hop: 2, from: '5' });
    expect(selectCutServerTier(state())).toBe(1);
    // Writing the same form again changes nothing.
    const forms = state().runForms;
    state().setRunForm('export', exportForm);
    expect(state().runForms).toBe(forms);

    openModel();
    expect(selectExportForm(state())).toBeNull();
    expect(selectHarnessForm(state())).toBeNull();
    expect(selectCalibrationForm(state())).toBeNull();
    expect(selectSweepForm(state())).toBeNull();
    expect(selectCutServerTier(state())).toBeNull();
    // An edit in the new model's session starts a new record, without the old model's forms.
    state().setRunForm('calibration', { runs: '2', warmup: '1' });
    expect(selectExportForm(state())).toBeNull();
    expect(state().runForms).toEqual({
      sessionId: state().opened!.sessionId,
      calibration: { runs: '2', warmup: '1' },
    });
  });

  it('starts the Export and Run forms from the last export and run', () => {
    expect(exportFormFrom(undefined)).toEqual({
      outDir: '',
      zip: false,
      force: false,
      verify: true,
      onUnreachable: 'fail',
      serving: 'relay',
      externalDataAbove: '',
      verifyWhole: false,
    });
    // A stock export's choice is where the next export starts.
    expect(exportFormFrom({ ...exportFormArgs, serving: 'stock' }).serving).toBe('stock');
    expect(harnessFormFrom(undefined)).toEqual({
      emulateLinks: true,
      runs: '20',
      stream: '50',
      calibrate: false,
    });
    const ran = harnessFormFrom({
      bundleDir: '/b',
      runs: 3,
      stream: 0,
      emulateLinks: false,
      calibrate: true,
    });
    expect(ran).toEqual({ emulateLinks: false, runs: '3', stream: '0', calibrate: true });
  });
});
