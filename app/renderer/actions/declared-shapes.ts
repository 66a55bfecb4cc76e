/**
 * Input shapes as a model declares them, per model (SHA-256). After a binding the view shows the
 * bound shapes, so which dimensions were symbolic is known only from an unbound open: remembered
 * here, in memory and in the page's storage, so a project reopened with its bindings (even after
 * a reload) still offers the symbolic dimensions, under their names, as the fields.
 */
import type { Shape } from '../../../core/graph/types.js';
import type { OpenedModel } from '../../shared/studio-api.js';

export type DeclaredShapes = Readonly<Record<string, Shape | null>>;

const STORAGE_KEY = 'cutline.declared-inputs';
/** Models remembered at most; the oldest are forgotten first. */
const MAX_MODELS = 50;

let remembered: Map<string, DeclaredShapes> | null = null;

/** The part of the page's localStorage used here (absent outside a page, e.g. in unit tests). */
interface ShapeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
const storage = (): ShapeStorage | undefined =>
  (globalThis as unknown as { localStorage?: ShapeStorage }).localStorage;

function load(): Map<string, DeclaredShapes> {
  if (remembered) return remembered;
  remembered = new Map();
  try {
    const text = storage()?.getItem(STORAGE_KEY);
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (Array.isArray(parsed)) {
      for (const entry of parsed as unknown[]) {
        if (
          Array.isArray(entry) &&
          typeof entry[0] === 'string' &&
          typeof entry[1] === 'object' &&
          entry[1]
        ) {
          remembered.set(entry[0], entry[1] as DeclaredShapes);
        }
      }
    }
  } catch {
    // Unreadable or disabled storage: remember for this page only.
  }
  return remembered;
}

function save(models: Map<string, DeclaredShapes>): void {
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify([...models]));
  } catch {
    // Full or disabled storage: the fields fall back to every dimension of a bound input.
  }
}

/** The declared input shapes of `opened`, if known (it was seen unbound once). */
export function declaredShapes(opened: OpenedModel): DeclaredShapes | null {
  const models = load();
  if (Object.keys(opened.inputs).length > 0) return models.get(opened.sha256) ?? null;
  const known = models.get(opened.sha256);
  if (known) return known;
  const shapes: DeclaredShapes = Object.fromEntries(opened.view.summary.inputs.map((t) => [t.name, t.shape]));
  models.set(opened.sha256, shapes);
  while (models.size > MAX_MODELS) models.delete(models.keys().next().value!);
  save(models);
  return shapes;
}
