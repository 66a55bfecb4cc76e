/**
 * The long run of the ONNX fuzzer (issue 13, point 6): `npx tsx scripts/fuzz-onnx.ts [COUNT] [SEED]`
 * (default 10,000 cases, seed 13). Prints the counts per outcome class and every failure
 * (unsafe message, other error, hang, memory blow-up, crash) with the case to replay and the file
 * its model was written to; exits 1 when there is one. A case that ended its child but passed
 * when run again alone is listed as transient (the machine's doing, not the case's).
 */
import { countOutcomes } from '../test/support/shape-fuzz-driver.js';
import { describeFailures, runOnnxFuzz } from '../test/support/onnx-fuzz-run.js';

const count = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 13);
const started = Date.now();
const run = await runOnnxFuzz({ seed, count });
console.log(`onnx fuzz: ${count} cases, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const [kind, n] of Object.entries(countOutcomes(run.results)).sort()) console.log(`  ${kind}: ${n}`);
for (const line of describeFailures(run, seed)) console.log(`FAIL ${line}`);
for (const r of run.results.filter((r) => r.kind === 'transient'))
  console.log(`TRANSIENT seed ${seed} case #${r.index}: ${r.label}: ${r.message ?? ''}`);
process.exitCode = run.failures.length > 0 ? 1 : 0;
