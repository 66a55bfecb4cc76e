/** The `cutline` command line. */
import { Command, CommanderError } from 'commander';
import { isCutlineError } from '../../core/errors.js';
import { analyzeCommand } from './analyze.js';
import type { StudioOptions } from './studio.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('cutline')
    .description('Design studio for splitting DNN inference across device, edge and cloud.')
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
    .option('--json', 'print one JSON object instead of tables')
    .option('--all-nodes', 'list every node, including exporter plumbing hidden from the layer view')
    .action((model: string, options: { input: string[]; json?: boolean; allNodes?: boolean }) => {
      exitCode = analyzeCommand(model, options);
    });
  program
    .command('studio')
    .description('Open the design studio (Electron, or the browser when Electron is not installed).')
    .argument('[model]', 'ONNX model file (default: a bundled sample)')
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
      process.stderr.write(`cutline: ${error.code}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
