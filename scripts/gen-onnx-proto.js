#!/usr/bin/env node
// Regenerates core/onnx/proto/onnx_pb.{js,d.ts} from core/onnx/proto/onnx.proto
// with protobufjs-cli's static code generator. Run via `npm run proto`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'core/onnx/proto');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const flags = [
  '-t',
  'static-module',
  '-w',
  'es6',
  '--force-number',
  '--no-create',
  '--no-verify',
  '--no-convert',
  '--no-delimited',
  '--no-service',
];
const proto = path.join(dir, 'onnx.proto');
// pbts reads the JSDoc of a commented build; the committed decoder is the uncommented one.
const commented = path.join(os.tmpdir(), `onnx_pb_${process.pid}.js`);
run(bin('pbjs'), [...flags, '-o', commented, proto]);
run(bin('pbts'), ['--no-comments', '-o', path.join(dir, 'onnx_pb.d.ts'), commented]);
fs.rmSync(commented);
run(bin('pbjs'), [...flags, '--no-comments', '-o', path.join(dir, 'onnx_pb.js'), proto]);
