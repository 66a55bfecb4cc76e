/**
 * Keyboard moves over the laid-out graph. The graph flows top to bottom, so ↓ follows an
 * outgoing edge, ↑ an incoming one, and ←/→ step to the nearest node beside it in the same
 * rank (a sibling branch, or the same depth in the next lane).
 */
import type { LaidOutGraph, PlacedNode } from '../layout/layout-types.js';

export type Move = 'downstream' | 'upstream' | 'left' | 'right';

/** The arrow keys' moves, as the graph is drawn. */
export const ARROW_MOVES: Readonly<Record<string, Move>> = {
  ArrowDown: 'downstream',
  ArrowUp: 'upstream',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

const centreY = (n: PlacedNode): number => n.y + n.height / 2;
const centreX = (n: PlacedNode): number => n.x + n.width / 2;

/** The node a move lands on, or null when there is none that way. */
export function neighbour(graph: LaidOutGraph, fromId: string, move: Move): string | null {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const from = byId.get(fromId);
  if (!from) return null;
  if (move === 'downstream' || move === 'upstream') {
    const ids = graph.edges
      .filter((e) => (move === 'downstream' ? e.source === fromId : e.target === fromId))
      .map((e) => (move === 'downstream' ? e.target : e.source));
    const candidates = ids.map((id) => byId.get(id)).filter((n): n is PlacedNode => n !== undefined);
    // The neighbour most nearly in line with the current node reads as "straight on".
    candidates.sort((a, b) => Math.abs(centreX(a) - centreX(from)) - Math.abs(centreX(b) - centreX(from)));
    return candidates[0]?.id ?? null;
  }
  let best: PlacedNode | null = null;
  let bestDistance = Infinity;
  for (const node of graph.nodes) {
    const dx = centreX(node) - centreX(from);
    if (node.id === fromId || (move === 'left' ? dx >= 0 : dx <= 0)) continue;
    // Prefer the same rank; a node at another depth costs its vertical distance twice.
    const distance = Math.abs(dx) + 2 * Math.abs(centreY(node) - centreY(from));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = node;
    }
  }
  return best?.id ?? null;
}

/** Where selection starts when nothing is selected: the first node in reading order (top, then left). */
export function firstNode(graph: LaidOutGraph): string | null {
  let first: PlacedNode | null = null;
  for (const node of graph.nodes) {
    if (!first || node.y < first.y || (node.y === first.y && node.x < first.x)) first = node;
  }
  return first?.id ?? null;
}
