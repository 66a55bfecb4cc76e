/**
 * Where a layer sits in the exporter's module tree: read from torch's dynamo metadata
 * (`pkg.torch.onnx.name_scopes`) when the node carries it, else from its slash-separated name.
 */

/** One level of a layer's scope path, outermost first. */
export interface ScopeStep {
  /** Identifies the scope among its siblings (the path component or the cumulative module path). */
  readonly key: string;
  /** What the studio shows for the block (`layer1.0`, `mlp`). */
  readonly name: string;
  /** The block's kind; 'scope' when absent. Sub-graph steps are made by core/view. */
  readonly kind?: 'scope' | 'subgraph';
}

/** Node metadata key under which `torch.onnx.export(dynamo=True)` records a node's module path. */
export const TORCH_NAME_SCOPES_KEY = 'pkg.torch.onnx.name_scopes';

/**
 * Scope path from a node name: `/layer1/layer1.0/conv1/Conv` → `layer1`, `layer1.0`, `conv1`.
 * The last component is the operator's own name, never a scope; empty components (the leading
 * slash, doubled slashes) are skipped.
 */
export function scopesFromName(nodeName: string): ScopeStep[] {
  const parts = nodeName.split('/').filter((part) => part.length > 0);
  return parts.slice(0, -1).map((part) => ({ key: part, name: part }));
}

/**
 * Scope path from dynamo's name-scope metadata, the `repr()` of a Python list of cumulative
 * module paths: `['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'convolution']`. The first entry
 * (`''`, the root module) and the last (the node's own name) are not scopes. A block is named
 * by its path past its parent's (`layer1.0.conv1` under `layer1.0` → `conv1`), except that a
 * bare index keeps its parent's name (`layer1.0`, as TorchScript names a Sequential's child).
 *
 * @returns undefined when the value is not such a list, so the caller falls back to the name.
 */
export function scopesFromTorchMetadata(value: string): ScopeStep[] | undefined {
  const entries = parsePythonStringList(value);
  if (!entries) return undefined;
  const modules = entries.slice(0, -1).filter((entry) => entry.length > 0);
  let parent = '';
  return modules.map((path) => {
    const relative = parent && path.startsWith(`${parent}.`) ? path.slice(parent.length + 1) : path;
    const name = /^\d+$/.test(relative) && parent ? `${lastDotted(parent)}.${relative}` : relative;
    parent = path;
    return { key: path, name };
  });
}

function lastDotted(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * The layer's scope path: the torch metadata when present and readable, else the node name.
 *
 * @param metadata the node's `metadata_props` entries.
 */
export function layerScopes(
  nodeName: string,
  metadata: readonly { readonly key?: string | null; readonly value?: string | null }[] = [],
): ScopeStep[] {
  for (const entry of metadata) {
    if (entry.key !== TORCH_NAME_SCOPES_KEY || !entry.value) continue;
    const steps = scopesFromTorchMetadata(entry.value);
    if (steps) return steps;
  }
  return scopesFromName(nodeName);
}

/**
 * Parses a Python list literal of string literals (`['a', "b's"]`), with backslash escapes.
 * Returns undefined for anything else: metadata written by other tools is not trusted to parse.
 */
export function parsePythonStringList(text: string): string[] | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (text[i] !== '[') return undefined;
  i++;
  const items: string[] = [];
  for (;;) {
    skipSpace();
    if (text[i] === ']') {
      i++;
      break;
    }
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return undefined;
    i++;
    let item = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\' && i + 1 < text.length) {
        const escaped = text[i + 1]!;
        item += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        i += 2;
      } else item += text[i++];
    }
    if (i >= text.length) return undefined;
    i++;
    items.push(item);
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== ']') return undefined;
  }
  skipSpace();
  return i === text.length ? items : undefined;
}
