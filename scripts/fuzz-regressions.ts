/**
 * Keeps the fuzz regression corpus (test/fixtures/fuzz-regressions/, see
 * test/support/fuzz-regressions.ts).
 *
 *   npx tsx scripts/fuzz-regressions.ts seed
 *     (re)writes the cases built from code: the hostile shape models behind issue 13's fuzz failures.
 *   npx tsx scripts/fuzz-regressions.ts add FILE.onnx EXPECT "FOUND" "WHAT"
 *     copies a failing case the fuzzer wrote (e.g. under $TMPDIR/cutline-fuzz-failures/) into the
 *     corpus with the outcome it must have once fixed (a CutlineError code or "ok").
 */
import fs from 'node:fs';
import path from 'node:path';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { addRegression } from '../test/support/fuzz-regressions.js';
import { encodeDeep, nestedModel } from '../test/support/onnx-fuzz-structure.js';
import {
  HOSTILE_SHAPE_MODELS,
  HUGE_BUT_CHEAP_MODELS,
  hostileConstantOfShape,
} from '../test/support/hostile-shape-models.js';

const ISSUE = 'issue 13 fuzz run (8,000 mutated models: one dim or count of 2^31-1)';
const PROBE =
  'issue 13 fuzzing session: the same 2^31-1 count given to rules no fuzz source reached (heap exhausted in ~15 s)';
const PROBED = ['MaxUnpool', 'SplitToSequence', 'Col2Im'];

function seedCorpus(): void {
  for (const { op, bytes } of HOSTILE_SHAPE_MODELS)
    addRegression(`shape-${op.toLowerCase()}-huge-count.onnx`, bytes, {
      expect: 'SHAPE_LIMIT',
      found: PROBED.includes(op) ? PROBE : ISSUE,
      what: `${op} whose shape/axes/repeats input or output count is 2^31-1 (was a hang or heap exhaustion)`,
    });
  for (const { op, bytes } of HUGE_BUT_CHEAP_MODELS)
    addRegression(`shape-${op.toLowerCase()}-huge-but-cheap.onnx`, bytes, {
      expect: 'ok',
      found: `${ISSUE}, neighbours of the failures`,
      what: `${op} with known values of 2^31-1: nothing proportional is built, so it must still analyse`,
    });
  addRegression(
    'shape-constantofshape-hostile-name.onnx',
    hostileConstantOfShape(`\u001b[2J\nevil\u202e${'a'.repeat(4096)}`),
    {
      expect: 'SHAPE_LIMIT',
      found: 'issue 13 point 4 (names from the file in errors)',
      what: 'the hostile ConstantOfShape named with ESC, a line break, a bidi override and 4 KB of text',
    },
  );
}

const EXEMPLAR =
  'onnx fuzzer class exemplar: never failed, kept so the corpus (and the studio host test) covers the class';

/** Two Relus on x, the first reading the second's output: a cycle, or with `external` a weight outside. */
function smallModel(options: {
  cycle?: boolean;
  externalLocation?: string;
  externalOffset?: string;
}): Uint8Array {
  const weight = tensorFromFloat32('w', [2], [1, 2]);
  if (options.externalLocation !== undefined) {
    weight.dataLocation = 1;
    weight.rawData = new Uint8Array();
    weight.floatData = [];
    weight.externalData = [
      { key: 'location', value: options.externalLocation },
      ...(options.externalOffset !== undefined ? [{ key: 'offset', value: options.externalOffset }] : []),
    ];
  }
  return encodeModelProto(
    model({
      graph: graph({
        name: 'small',
        nodes: [
          node('Add', ['x', options.cycle ? 'b' : 'w'], ['a'], [], '/add'),
          node('Relu', ['a'], ['b'], [], '/relu'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2])],
        outputs: [valueInfo('b', DataType.FLOAT, [2])],
        initializers: [weight],
      }),
    }),
  );
}

function seedExemplars(): void {
  addRegression('nested-if-1000-deep.onnx', encodeDeep(nestedModel(1000, 'If')), {
    expect: 'NOT_ONNX',
    found: EXEMPLAR,
    what: 'If bodies nested 1,000 deep: past protobuf decoding depth limit of 100 (no stack overflow)',
  });
  addRegression('nested-loop-30-deep.onnx', encodeDeep(nestedModel(30, 'Loop')), {
    expect: 'ok',
    found: EXEMPLAR,
    what: 'Loop bodies nested 30 deep, within the decoding limit: analyses',
  });
  addRegression('graph-cycle.onnx', smallModel({ cycle: true }), {
    expect: 'GRAPH_CYCLE',
    found: EXEMPLAR,
    what: 'Add reads the output of the Relu that reads it',
  });
  addRegression(
    'external-data-parent-path.onnx',
    smallModel({ externalLocation: '../../../../etc/passwd' }),
    {
      expect: 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR',
      found: EXEMPLAR,
      what: 'a weight whose external data is ../../../../etc/passwd',
    },
  );
  addRegression(
    'external-data-absolute-huge-offset.onnx',
    smallModel({ externalLocation: '/etc/passwd', externalOffset: '9223372036854775807' }),
    {
      expect: 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR',
      found: EXEMPLAR,
      what: 'a weight whose external data is the absolute /etc/passwd at offset 2^63-1',
    },
  );
  const whole = smallModel({});
  addRegression('truncated.onnx', whole.subarray(0, Math.floor(whole.length / 2)), {
    expect: 'TRUNCATED',
    found: EXEMPLAR,
    what: 'a small model cut in half',
  });
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'seed') {
  seedCorpus();
  seedExemplars();
} else if (command === 'add' && rest.length === 4) {
  const [file, expect, found, what] = rest as [string, string, string, string];
  addRegression(path.basename(file), new Uint8Array(fs.readFileSync(file)), { expect, found, what });
} else {
  console.error('usage: fuzz-regressions.ts seed | add FILE.onnx EXPECT "FOUND" "WHAT"');
  process.exitCode = 2;
}
