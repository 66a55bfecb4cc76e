/**
 * Layers drawn but never run: the branch an If does not take when its condition is known (a
 * constant, or folded from a value typed in the header, `sr = 16000`). The view marks such an If
 * with `branchTaken`; its cost is already that branch's, so the other branch's layers cost
 * nothing and the graph dims them instead of showing their MACs as if they ran.
 */
import { plainName } from '../../../core/text/quote-name.js';
import type { LayerView, ModelView } from '../../../core/view/types.js';
import type { Store } from '../store/store.js';

/** Why a layer or block does not run: the If that skips it and the branch it runs instead. */
export interface NotRun {
  readonly ifId: string;
  readonly taken: NonNullable<LayerView['branchTaken']>;
}

const OTHER_BRANCH = { then_branch: 'else_branch', else_branch: 'then_branch' } as const;

const notRunOf = new WeakMap<ModelView, ReadonlyMap<string, NotRun>>();

/** Layer and block ids of `view` that never run, each with the If that skips it. */
export function notRunNodes(view: ModelView): ReadonlyMap<string, NotRun> {
  const known = notRunOf.get(view);
  if (known) return known;
  const byId = new Map(view.layers.map((l) => [l.id, l]));
  const out = new Map<string, NotRun>();
  if (view.layers.some((l) => l.branchTaken !== undefined)) {
    for (const layer of view.layers) {
      // Walk out through the enclosing control-flow layers: the outermost If that skips it wins.
      for (let parent = byId.get(layer.within ?? ''); parent; parent = byId.get(parent.within ?? '')) {
        const taken = parent.branchTaken;
        if (taken && layer.id.startsWith(`${parent.id}/${OTHER_BRANCH[taken]}/`))
          out.set(layer.id, { ifId: parent.id, taken });
      }
    }
    markBlocks(view, out);
  }
  notRunOf.set(view, out);
  return out;
}

/** A block whose every layer, at any depth, is not run is not run either (a collapsed branch). */
function markBlocks(view: ModelView, out: Map<string, NotRun>): void {
  const blocks = new Map(view.blocks.map((b) => [b.id, b]));
  const seen = new Map<string, NotRun | null>();
  const visit = (id: string): NotRun | null => {
    if (seen.has(id)) return seen.get(id)!;
    const block = blocks.get(id);
    const inside = block ? [...block.layers.map((l) => out.get(l) ?? null), ...block.blocks.map(visit)] : [];
    const first = inside[0] ?? null;
    const all = first !== null && inside.every((n) => n !== null) ? first : null;
    seen.set(id, all);
    if (all) out.set(id, all);
    return all;
  };
  for (const block of view.blocks) visit(block.id);
}

/**
 * The sentence that says why: "Not run for sr = 16000: by_rate runs its then_branch". The values
 * typed in the header are named when there are any (they are what decides an If in practice);
 * otherwise the condition is a constant in the file.
 */
export function notRunText(
  notRun: NotRun,
  inputValues: Readonly<Record<string, string>> | undefined,
): string {
  const given = Object.entries(inputValues ?? {}).map(
    ([name, value]) => `${plainName(name)} = ${plainName(value)}`,
  );
  const node = plainName(notRun.ifId);
  return given.length > 0
    ? `Not run for ${given.join(', ')}: ${node} runs its ${notRun.taken}`
    : `Not run: ${node}'s condition is fixed in the file, so it runs its ${notRun.taken}`;
}

/** Why the layer or block never runs, or undefined when it does (a string: cheap for a node to subscribe to). */
export function selectNotRun(state: Store, id: string): string | undefined {
  const view = state.opened?.view;
  const notRun = view ? notRunNodes(view).get(id) : undefined;
  return notRun ? notRunText(notRun, state.design?.inputValues) : undefined;
}
