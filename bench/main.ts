/**
 * `npm run bench`: generates (or reuses) the benchmark models, runs each section, prints its
 * table and target verdicts, and writes every figure to `.bench/results.json`.
 *
 * Options: `--runs N` (default 3), `--models vgg16,deep10k`, `--sections load`.
 * Exit code 1 when a measurement failed; a missed target is a figure, not a failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, ensureModel, type CachedModel } from './model-cache.js';
import { benchModels } from './models.js';
import { passes, type BenchSection, type SectionReport, type TargetCheck } from './section.js';
import { loadSection } from './sections/load.js';
import { loopbackSection } from './sections/loopback.js';
import { layoutSection } from './sections/layout.js';
import { renderSection } from './sections/render.js';
import { editorSection } from './sections/editor.js';
import { externalDataSection } from './sections/external-data.js';
import { solversSection } from './sections/solvers.js';
import { splitSection } from './sections/split.js';
import { predictionSection } from './sections/prediction.js';
import { startupSection } from './sections/startup.js';
import { formatTable, mib } from './table.js';

/** Every section, in the order they run. Later issues append theirs here. */
const sections: readonly BenchSection[] = [
  loadSection,
  layoutSection,
  renderSection,
  editorSection,
  solversSection,
  predictionSection,
  loopbackSection,
  splitSection,
  externalDataSection,
  startupSection,
];

function pick<T extends { readonly name: string }>(
  all: readonly T[],
  names: string | undefined,
  what: string,
): T[] {
  if (names === undefined) return [...all];
  return names.split(',').map((name) => {
    const found = all.find((item) => item.name === name);
    if (!found)
      throw new Error(`Unknown ${what} "${name}"; choose from ${all.map((i) => i.name).join(', ')}.`);
    return found;
  });
}

/** One section's entry in results.json. */
interface SectionResult {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly unknown[];
  readonly checks: readonly (TargetCheck & { readonly pass: boolean })[];
  readonly errors: readonly string[];
}

async function prepareModels(names: string | undefined): Promise<CachedModel[]> {
  const models: CachedModel[] = [];
  for (const spec of pick(benchModels, names, 'model')) {
    const model = await ensureModel(spec);
    const how = model.generated ? `generated in ${(model.info.generateMs / 1000).toFixed(1)} s` : 'cached';
    console.log(
      `${spec.name}: ${spec.description} — ${mib(model.info.fileBytes)} MiB, ${model.info.nodes} nodes (${how})`,
    );
    models.push(model);
  }
  return models;
}

function printReport(section: BenchSection, report: SectionReport): void {
  console.log(`\n${section.title}\n`);
  console.log(
    formatTable(
      report.columns,
      report.rows.map((r) => r.cells),
    ),
  );
  console.log('');
  for (const note of report.notes) console.log(`  ${note}`);
  for (const row of report.rows) for (const error of row.errors) console.log(`  ERROR ${error}`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: 'string' }, models: { type: 'string' }, sections: { type: 'string' } },
  });
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, not "${values.runs}".`);
  const started = performance.now();
  const models = await prepareModels(values.models);
  const context = { models, runs, log: (line: string) => console.log(line) };

  const results: SectionResult[] = [];
  let failed = false;
  for (const section of pick(sections, values.sections, 'section')) {
    console.log(`\n[${section.name}]`);
    const report = await section.run(context);
    printReport(section, report);
    const checks = report.rows.flatMap((r) => r.checks);
    const errors = report.rows.flatMap((r) => r.errors);
    failed ||= errors.length > 0;
    results.push({
      name: section.name,
      title: section.title,
      rows: report.rows.map((r) => r.figures),
      checks: checks.map((c) => ({ ...c, pass: passes(c) })),
      errors,
    });
  }

  console.log('\nTargets');
  for (const check of results.flatMap((r) => r.checks)) {
    console.log(
      `  ${check.pass ? 'PASS' : 'MISS'}  ${check.label}: ${check.value.toFixed(2)} (target ≤ ${check.limit})`,
    );
  }
  const elapsedS = (performance.now() - started) / 1000;
  const resultsPath = path.join(benchDir, 'results.json');
  const document = {
    date: new Date().toISOString(),
    host: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? '',
      cpus: os.cpus().length,
      memoryBytes: os.totalmem(),
    },
    runs,
    elapsedS,
    models: models.map((m) => ({
      ...m.info,
      path: path.relative(process.cwd(), m.path),
      generatedThisRun: m.generated,
    })),
    sections: results,
  };
  fs.writeFileSync(resultsPath, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), resultsPath)} (${elapsedS.toFixed(0)} s in all).`);
  return failed ? 1 : 0;
}
