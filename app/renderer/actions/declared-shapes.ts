/**
 * Input shapes as the model declares them, before any binding: the view carries them (core's
 * `ModelSummaryView.declaredInputShapes`), so the header knows which dimensions are symbolic
 * even for a model opened already bound (a project, a recovered design).
 */
import type { Shape } from '../../../core/graph/types.js';
import type { OpenedModel } from '../../shared/studio-api.js';

export type DeclaredShapes = Readonly<Record<string, Shape | null>>;

export function declaredShapes(opened: OpenedModel): DeclaredShapes {
  return opened.view.summary.declaredInputShapes;
}
