/**
 * The long run of the shape fuzzer (issue 13): `npx tsx scripts/fuzz-shapes.ts [COUNT] [SEED]`
 * (default 3000 cases, seed 13). Prints the counts per outcome class and every failure (another
 * error type, an unsafe message, a hang, a memory blow-up, a crash) with the case to replay; exits 1 when there is one.
 */
import { countOutcomes, FAILURE_KINDS, runShapeFuzz } from '../test/support/shape-fuzz-driver.js';

const count = Number(process.argv[2] ?? 3000);
const seed = Number(process.argv[3] ?? 13);
const started = Date.now();
const results = await runShapeFuzz({ seed, count, caseBudgetMs: 10_000 });
const failures = results.filter((r) => FAILURE_KINDS.includes(r.kind));
console.log(`shape fuzz: ${count} cases, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const [kind, n] of Object.entries(countOutcomes(results)).sort()) console.log(`  ${kind}: ${n}`);
for (const f of failures) console.log(`FAIL #${f.index} ${f.kind}: ${f.label}: ${f.message ?? ''}`);
process.exitCode = failures.length > 0 ? 1 : 0;
