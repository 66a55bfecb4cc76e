/**
 * Keyboard moves over the laid-out graph. The graph flows left to right, so → follows an
 * outgoing edge, ← an incoming one, and ↑/↓ step to the nearest node above or below in the
 * same column (a sibling branch).
 */
import type { LaidOutGraph, PlacedNode } from '../layout/layout-types.js';

export type Move = 'downstream' | 'upstream' | 'above' | 'below';

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
    // The neighbour most nearly level with the current node reads as "straight on".
    candidates.sort((a, b) => Math.abs(centreY(a) - centreY(from)) - Math.abs(centreY(b) - centreY(from)));
    return candidates[0]?.id ?? null;
  }
  let best: PlacedNode | null = null;
  let bestDistance = Infinity;
  for (const node of graph.nodes) {
    const dy = centreY(node) - centreY(from);
    if (node.id === fromId || (move === 'above' ? dy >= 0 : dy <= 0)) continue;
    // Prefer the same column; a node in another column costs its horizontal distance twice.
    const distance = Math.abs(dy) + 2 * Math.abs(centreX(node) - centreX(from));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = node;
    }
  }
  return best?.id ?? null;
}

/** Where selection starts when nothing is selected: the first node in reading order. */
export function firstNode(graph: LaidOutGraph): string | null {
  let first: PlacedNode | null = null;
  for (const node of graph.nodes) {
    if (!first || node.x < first.x || (node.x === first.x && node.y < first.y)) first = node;
  }
  return first?.id ?? null;
}
