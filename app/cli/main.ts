/** The `cutline` command line. */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isCutlineError } from '../../core/errors.js';
import { LINE_LIMIT, oneLine } from '../../core/text/quote-name.js';
import { studioVersion } from '../host/host-version.js';
import { analyzeCommand } from './analyze.js';
import type { ProfileCliOptions } from './profile.js';
import type { ExportCliOptions } from './export.js';
import type { FiguresCliOptions } from './figures.js';
import type { HarnessCliOptions } from './harness.js';
import type { SolveCliOptions } from './solve.js';
import type { StudioOptions } from './studio.js';
import type { SweepCliOptions } from './sweep.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('cutline')
    .description('Design studio for splitting DNN inference across device, edge and cloud.')
    .version(studioVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run `cutline --help` for usage)');
  let exitCode = 0;
  program
    .command('analyze')
    .description('Print a model summary and a per-layer cost table (MACs, FLOPs, params, activations).')
    .argument('<model>', 'ONNX model file')
    .option(
      '-i, --input <name=dims>',
      'bind an input shape, e.g. images=1x3x640x640 (repeatable)',
      collect,
      [],
    )
    .option(
      '--input-value <name=values>',
      'a value the caller will send for an input, e.g. sr=16000 (repeatable): folded as a constant, so an If on it is costed on the branch that runs',
      collect,
      [],
    )
    .option('--json', 'print one JSON object instead of tables')
    .option('--all-nodes', 'list every node, including exporter plumbing hidden from the layer view')
    .option(
      '--measured <profile>',
      "a profile `cutline profile --save` wrote: add each layer's time measured on this machine and its prediction",
    )
    .option(
      '--time-limit <seconds>',
      'stop with ANALYSIS_TIME_LIMIT when analysis takes longer (default: none)',
      positiveNumber,
    )
    .action(
      (
        model: string,
        options: {
          input: string[];
          inputValue: string[];
          json?: boolean;
          allNodes?: boolean;
          timeLimit?: number;
          measured?: string;
        },
      ) => {
        exitCode = analyzeCommand(model, options);
      },
    );
  program
    .command('profile')
    .description(
      'Time every node on this CPU with onnxruntime, calibrate a device profile of this machine and compare its predictions.',
    )
    .argument(
      '<model...>',
      'ONNX model files (several calibrate one profile and are each also predicted from the others)',
    )
    .option('--runs <n>', 'timed runs per model (medians are reported)', wholeNumber(1), 20)
    .option('--warmup <n>', 'untimed runs first', wholeNumber(0), 5)
    .option(
      '-i, --input <name=dims>',
      'bind an input shape, e.g. input_ids=1x128 (repeatable; symbolic dims default to 1)',
      collect,
      [],
    )
    .option(
      '--input-value <name=values>',
      'a value to feed an input, e.g. sr=16000 (repeatable; with several models, each model that has the input): onnxruntime runs with it, the analysis costs the branch it selects, and kept timings are keyed by it',
      collect,
      [],
    )
    .option('--threads <n>', "onnxruntime intra-op threads (default: onnxruntime's choice)", wholeNumber(1))
    .option(
      '--save <file>',
      'write the calibrated device profile (JSON) to this file, and the measured per-node table beside it (FILE.measurements.json), which the next calibration saving there reuses',
    )
    .option('--remeasure', 'with --save, time every model again instead of reusing the measurement table')
    .option(
      '--from-table',
      'with --save, time nothing: fit on the measurement table only (an error when it lacks a model)',
    )
    .option(
      '--from-ort-profile <file>',
      "take each node's time from this onnxruntime profile (enableProfiling's JSON) instead of running the model",
    )
    .option(
      '--kernels',
      'also fit the kernel-level predictor: generated kernel samples and the models timed with graph optimisations on, as a tier runs them (about a minute; use --threads as the tiers will run)',
    )
    .option('--json', 'print one JSON object instead of tables')
    .action(async (models: string[], options: ProfileCliOptions) => {
      // Loaded on demand: profiling loads onnxruntime's native library, which `analyze` never needs.
      const { profileCommand } = await import('./profile.js');
      exitCode = await profileCommand(models, options);
    });
  program
    .command('solve')
    .description(
      "Suggest where to cut the model: each solver's best placement with its latency, energy and traffic.",
    )
    .argument('[model]', "ONNX model file (with --project: default the project's model)")
    .option(
      '-t, --topology <file|id>',
      "topology file or bundled id (e.g. pi4-wifi-edge-wan-cloud); with --project: default the project's",
    )
    .option(
      '--project <file>',
      "a project saved by the studio: its model, topology, inputs, objective, constraints and pins; its placement is reported as the plan 'project'",
    )
    .option(
      '-o, --objective <objective>',
      "latency, energy, throughput or weighted:<latency>,<energy> (default: the project's, else latency)",
    )
    .option(
      '-c, --constraint <constraint>',
      "raw-input-on-device, min-device-layers=K, memory:TIER=SIZE, deadline=MS, pin:LAYER=TIER, tiers=T1,T2 (repeatable; replaces the project's constraints, not its pins)",
      collect,
      [],
    )
    .option(
      '-s, --solver <name>',
      'single-split, two-split, min-cut or tiers (repeatable; default: all that apply)',
      collect,
      [],
    )
    .option(
      '-i, --input <name=dims>',
      'bind an input shape, e.g. images=1x3x640x640 (repeatable)',
      collect,
      [],
    )
    .option(
      '--input-value <name=values>',
      'a value the caller will send for an input, e.g. sr=16000 (repeatable): folded as a constant, so an If on it is costed on the branch that runs',
      collect,
      [],
    )
    .option('--pareto', 'also print the Pareto front of latency × device energy')
    .option(
      '--measured <profile>',
      "a profile `cutline profile --save` wrote: data-dependent layers its measurement table timed on this model cost their measured time (scaled to other tiers' devices) instead of a lower bound",
    )
    .option(
      '--cut-points [rows]',
      'also rank every single cut point (device, then one server tier) by latency, per server tier (default 10 rows)',
      wholeNumber(1),
    )
    .option('--json', 'print one JSON object instead of tables')
    .action(async function (this: Command, model: string | undefined, options: SolveCliOptions) {
      requireModelOrProject(this, model, options);
      const { solveCommand } = await import('./solve.js');
      exitCode = solveCommand(model, options);
    });
  program
    .command('figures')
    .description(
      'Write per-node figures (costs, predicted and measured times, tiers) as Google Model Explorer node-data files, one per figure.',
    )
    .argument('[model]', "ONNX model file (with --project: default the project's model)")
    .requiredOption('--out <dir>', 'folder to write <model>.<figure>.json files to')
    .option('-t, --topology <file|id>', 'topology file or bundled id: adds the predicted time per tier')
    .option(
      '-p, --placement <file>',
      "placement JSON (as for export): adds each node's tier and its time there",
    )
    .option('--project <file>', 'a project saved by the studio: its model, topology, inputs and placement')
    .option(
      '--ort-profile <file>',
      "an onnxruntime profile (enableProfiling's JSON): adds each node's measured time",
    )
    .option('-i, --input <name=dims>', 'bind an input shape (repeatable)', collect, [])
    .option(
      '--input-value <name=values>',
      'a value the caller will send for an input, e.g. sr=16000 (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print one JSON object instead of a table')
    .action(async function (this: Command, model: string | undefined, options: FiguresCliOptions) {
      if (options.project === undefined && model === undefined)
        this.error("error: missing required argument 'model' (or give --project FILE)");
      if (options.placement !== undefined && options.topology === undefined && options.project === undefined)
        this.error("error: --placement needs '-t, --topology <file|id>' (or --project FILE)");
      const { figuresCommand } = await import('./figures.js');
      exitCode = figuresCommand(model, options);
    });
  program
    .command('sweep')
    .description('Latency against the bandwidth of one link: device only, server only and the best split.')
    .argument('<model>', 'ONNX model file')
    .requiredOption('-t, --topology <file|id>', 'topology file or bundled id')
    .option('-l, --link <name>', 'the link to vary: its profile id or TIER-TIER (default: the first hop)')
    .option('--from <mbps>', 'lowest bandwidth, Mb/s', positiveNumber, 0.1)
    .option('--to <mbps>', 'highest bandwidth, Mb/s', positiveNumber, 1000)
    .option('--steps <n>', 'number of bandwidths, log-spaced', wholeNumber(2), 13)
    .option('-i, --input <name=dims>', 'bind an input shape (repeatable)', collect, [])
    .option(
      '--input-value <name=values>',
      'a value the caller will send for an input, e.g. sr=16000 (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print one JSON object instead of a table')
    .action(async (model: string, options: SweepCliOptions) => {
      const { sweepCommand } = await import('./sweep.js');
      exitCode = sweepCommand(model, options);
    });
  program
    .command('export')
    .description(
      'Write a deployment bundle: one sub-model per tier, the tier runtime, Dockerfiles, compose, a Triton repository.',
    )
    .argument('[model]', "ONNX model file (with --project: default the project's model)")
    .option('-t, --topology <file|id>', "topology file or bundled id; with --project: default the project's")
    .option(
      '--project <file>',
      'a project saved by the studio: exports its model, topology, inputs and placement as designed',
    )
    .option('-p, --placement <file>', 'placement JSON (e.g. `cutline solve --json` output, or layer → tier)')
    .option('-s, --solver <name>', 'or let a solver place it: single-split, two-split, min-cut, tiers')
    .option('-o, --objective <objective>', "the solver's objective (default: the project's, else latency)")
    .option(
      '-c, --constraint <constraint>',
      "the solver's constraints (repeatable; as for solve)",
      collect,
      [],
    )
    .option('-i, --input <name=dims>', 'bind an input shape (repeatable)', collect, [])
    .option(
      '--input-value <name=values>',
      'a value the caller will send for an input, e.g. sr=16000 (repeatable)',
      collect,
      [],
    )
    .requiredOption('--out <dir>', 'folder to write the bundle to')
    .option('--zip', 'also write <out>.zip')
    .option('--force', 'replace an earlier bundle in --out (other non-empty folders are refused)')
    .option(
      '--on-unreachable <what>',
      'when a server tier is down: fail, or local (the device runs the whole model, which the bundle then carries)',
      'fail',
    )
    .option(
      '--serving <mode>',
      'relay (Cutline tiers pass requests up the chain) or stock (plain OIP servers such as Triton; the device calls each itself)',
      'relay',
    )
    .option('--no-verify', 'skip running the split against the whole model')
    .option(
      '--verify-whole',
      'compare with the whole model even when the memory estimate says it does not fit',
    )
    .option(
      '--rtol <x>',
      "verification: each element may differ by atol + rtol × |the whole model's value| (default 1e-4)",
    )
    .option(
      '--atol <y>',
      "verification's absolute term (default 1e-5, times the output's largest |value| when above 1)",
    )
    .option(
      '--external-data-above <size>',
      'weights of a model over SIZE (bytes, or 64KiB, 1.5GB, …) go to an external-data file beside it; models over 2 GiB or from external data always do',
    )
    .option('--json', 'print one JSON object instead of text')
    .action(async function (this: Command, model: string | undefined, options: ExportCliOptions) {
      requireModelOrProject(this, model, options);
      const { exportCommand } = await import('./export.js');
      exitCode = await exportCommand(model, options);
    });
  program
    .command('harness')
    .description(
      'Run every tier of a bundle on this machine, verify the answers and compare measured with predicted figures.',
    )
    .argument('<bundle>', 'bundle folder written by `cutline export`')
    .option(
      '--model <file>',
      'the .onnx file the bundle was exported from, to check the answers against (needed unless it was exported with --on-unreachable local)',
    )
    .option('--runs <n>', 'timed sequential requests', wholeNumber(1), 20)
    .option('--stream <n>', 'requests of a pipelined stream (throughput); 0 to skip', wholeNumber(0), 30)
    .option('--emulate-links', "delay and throttle each link as the bundle's topology says")
    .option('--inputs <file>', 'JSON inputs: { name: { type, dims, data } } (default: random)')
    .option(
      '--host-profile <file>',
      "this machine's profile (`cutline profile --save`) for the host prediction",
    )
    .option('--no-calibrate', 'without --host-profile, skip calibrating one (no host prediction)')
    .option(
      '--rtol <x>',
      "each answer's elements may differ by atol + rtol × |the whole model's| (default 1e-4)",
    )
    .option('--atol <y>', "the absolute term (default 1e-5, times the output's largest |value| when above 1)")
    .option('--json', 'stream progress and the summary as JSON lines')
    .action(async (bundle: string, options: HarnessCliOptions) => {
      const { harnessCommand } = await import('./harness.js');
      exitCode = await harnessCommand(bundle, options);
    });
  program
    .command('studio')
    .description('Open the design studio (Electron, or the browser when Electron is not installed).')
    .argument('[model]', 'ONNX model file or a project saved by the studio (default: a bundled sample)')
    .option('--browser', 'open in the browser even when Electron is installed')
    .option('--no-open', 'print the browser URL without opening a browser')
    .option('--no-build', 'use dist/ as built, without rebuilding the studio')
    .option('--port <port>', "the browser host's port (default: any free port)")
    .action(async (model: string | undefined, options: StudioOptions) => {
      // Loaded on demand: the studio pulls in the web host and the bundler, `analyze` needs neither.
      const { studioCommand } = await import('./studio.js');
      exitCode = await studioCommand(model, options);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isCutlineError(error)) {
      // Messages may quote a file's contents: always one line, escaped and bounded.
      process.stderr.write(`${oneLine(`cutline: ${error.code}: ${error.message}`, LINE_LIMIT)}\n`);
      return 2;
    }
    throw error;
  }
}

/** Without --project, a partition command needs its model and topology (Commander's own wording). */
function requireModelOrProject(
  command: Command,
  model: string | undefined,
  options: { readonly project?: string; readonly topology?: string },
): void {
  if (options.project !== undefined) return;
  if (model === undefined) command.error("error: missing required argument 'model' (or give --project FILE)");
  if (options.topology === undefined) {
    command.error("error: required option '-t, --topology <file|id>' not specified (or give --project FILE)");
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min)
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got "${text}".`);
    return Number(text);
  };
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new InvalidArgumentError(`expected a number > 0, got "${text}".`);
  return value;
}
