/**
 * Where the ONNX backend test suite (the conformance corpus) is read from: ONNX_TESTDATA_DIR, else
 * Debian's and Ubuntu's libonnx-testdata. Either holds the layout of onnx/backend/test/data in the
 * onnx repository (node/, pytorch-converted/, pytorch-operator/, simple/, …).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from './find-browser.js';

export const TESTDATA_ENV = 'ONNX_TESTDATA_DIR';
export const DEBIAN_TESTDATA_DIR = '/usr/share/libonnx-testdata/data';

/** The corpus folder the tests read (it may not exist: findTestdata says whether it does). */
export function testdataDir(env: Env = process.env, systemRoot = '/'): string {
  const chosen = env[TESTDATA_ENV];
  if (chosen !== undefined && chosen !== '') return chosen;
  return systemRoot === '/' ? DEBIAN_TESTDATA_DIR : path.join(systemRoot, DEBIAN_TESTDATA_DIR);
}

export type FoundTestdata =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string; readonly fromEnv: boolean };

/** The corpus folder if it holds the node-operator cases, the part every corpus test reads. */
export function findTestdata(env: Env = process.env, systemRoot = '/'): FoundTestdata {
  const dir = testdataDir(env, systemRoot);
  if (fs.existsSync(path.join(dir, 'node'))) return { ok: true, path: dir };
  const fromEnv = env[TESTDATA_ENV] !== undefined && env[TESTDATA_ENV] !== '';
  return fromEnv
    ? { ok: false, reason: `${TESTDATA_ENV}=${dir} has no node/ folder`, fromEnv }
    : { ok: false, reason: 'the ONNX backend test suite is not installed', fromEnv };
}
