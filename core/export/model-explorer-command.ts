/**
 * The command that opens a model in Google Model Explorer with Cutline's node-data files loaded
 * (its ONNX adapter is the `model-explorer-onnx` package on PyPI). Model Explorer takes the
 * files as one comma-separated `--node_data_paths` value.
 */

/** Characters a POSIX shell passes through unquoted. */
const SHELL_SAFE = /^[A-Za-z0-9_./:=,@%+-]+$/;

/** `arg` as one POSIX shell word: as is when nothing in it is special, else in single quotes. */
export function shellWord(arg: string): string {
  return SHELL_SAFE.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * `model-explorer MODEL --extensions=model_explorer_onnx --node_data_paths=A,B,...`, every word
 * quoted for a POSIX shell. Null when a file's path holds a comma: Model Explorer would split it
 * in two, so the files are then added by hand in its page.
 */
export function modelExplorerCommand(modelPath: string, nodeDataPaths: readonly string[]): string | null {
  if (nodeDataPaths.some((p) => p.includes(','))) return null;
  return [
    'model-explorer',
    shellWord(modelPath),
    '--extensions=model_explorer_onnx',
    shellWord(`--node_data_paths=${nodeDataPaths.join(',')}`),
  ].join(' ');
}
