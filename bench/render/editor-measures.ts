/**
 * The editor benchmark's measurements, each through the studio's real controls in Chromium:
 * dragging (a cut line, a layer, and panning as the baseline) with main-thread work per frame
 * from a trace; a move committed by a drop, timed to the new layout on screen; a link's
 * bandwidth typed in the lane header, timed to the new latency in the figures bar.
 */
import type { Page } from 'playwright-core';
import { median } from '../measurement.js';
import {
  armFigure,
  armRelayout,
  centre,
  dragTo,
  figureDone,
  laneBox,
  layerNodesOn,
  linkChip,
  relayoutDone,
  settle,
  type Box,
} from './editor-page.js';
import type { EditTiming } from './editor-probe.js';
import type { ProbeHost } from './page-probe.js';
import { dragFigures, tracedDrag, type DragFigures, type Point } from './traced-drag.js';

/** About two seconds of dragging, a move a frame. */
export const DRAG_MOVES = 120;
/** 4 px a frame (240 px/s): a deliberate drag of a line or a node. */
const DRAG_STEP_PX = 4;

export interface TimedEdits {
  readonly medianMs: number;
  readonly timesMs: readonly number[];
  /** Median of the edits' event → result in the DOM, before the frame showing it. */
  readonly medianToDomMs: number;
  readonly toDomMs: readonly number[];
  /** How the edit was made, for the report. */
  readonly how: string;
  readonly values: readonly (readonly [string, string])[];
}

/** Pools several drags' frames into one set of figures (medians over all their frames). */
export function pooled(drags: readonly DragFigures[]): DragFigures {
  const frames = drags.flatMap((d) => [
    ...d.evaluatedWorkMs.map((workMs) => ({ workMs, marked: true })),
    ...d.otherWorkMs.map((workMs) => ({ workMs, marked: false })),
  ]);
  return dragFigures(
    frames,
    drags.reduce((n, d) => n + d.moves, 0),
  );
}

const viewportTransform = (page: Page): Promise<string | null> =>
  page.locator('.react-flow__viewport').getAttribute('style');

/** Out for half the moves, back for the other half: the pointer ends where it pressed. */
const outAndBack = (i: number): number => (i <= DRAG_MOVES / 2 ? i : DRAG_MOVES - i);

/**
 * The baseline: panning the same canvas by dragging an empty spot of the last lane up the graph
 * and back, with the same pointer cadence as the edits' drags.
 */
export async function dragPan(page: Page, tiers: readonly string[]): Promise<DragFigures> {
  const lane = await laneBox(page, tiers[tiers.length - 1]!);
  const from = { x: lane.x + lane.width - 20, y: lane.y + lane.height / 2 };
  const before = await viewportTransform(page);
  let panned = false;
  const figures = await tracedDrag(
    page,
    from,
    (i) => ({ x: from.x, y: from.y - DRAG_STEP_PX * outAndBack(i) }),
    DRAG_MOVES,
    { midway: async () => void (panned = (await viewportTransform(page)) !== before) },
  );
  if (!panned) throw new Error('Dragging the canvas did not pan it.');
  await settle(page);
  return figures;
}

/**
 * Drags the first cut line's grip up the graph against the data flow (layers below it go to
 * the next tier) and back down to where it began, and drops it there. A line whose cut is below
 * the view is drawn at the view's bottom edge: the first drag then pulls the cut up from the end
 * of the model and commits it where the pointer lets go, as a user's first drag would; later
 * runs start and end at the committed cut. Throws when the studio draws no cut line or the drag
 * shows no preview.
 */
export async function dragCutLine(page: Page): Promise<DragFigures> {
  const line = page.getByRole('slider', { name: /^Cut between / }).first();
  if ((await line.count()) === 0) throw new Error('The studio draws no cut line to drag.');
  const box = await line.boundingBox();
  if (!box) throw new Error('The cut line is not on screen.');
  // Its label's left end: the grip spans the lanes, and its middle may sit on another line's.
  const from = { x: box.x + 12, y: box.y + box.height / 2 };
  let preview = false;
  const figures = await tracedDrag(
    page,
    from,
    (i) => ({ x: from.x, y: from.y - DRAG_STEP_PX * outAndBack(i) }),
    DRAG_MOVES,
    {
      midway: async () =>
        void (preview = (await page.locator('[aria-label="Design figures"][data-preview]').count()) > 0),
    },
  );
  if (!preview) throw new Error('Dragging the cut line showed no preview in the figures bar.');
  await settle(page);
  return figures;
}

/**
 * Drags a layer node from the first lane across into the next and back, and drops it where it
 * was (nothing committed). Throws when no layer is on screen in the first lane.
 */
export async function dragLayer(page: Page, tiers: readonly string[]): Promise<DragFigures> {
  const [node] = await layerNodesOn(page, tiers[0]!);
  if (!node) throw new Error(`No layer on the ${tiers[0]} lane is on screen to drag.`);
  const target = await laneBox(page, tiers[1]!);
  const from = centre(node.box);
  const stepPx = (centre(target).x - from.x) / (DRAG_MOVES / 2);
  let preview = false;
  const figures = await tracedDrag(
    page,
    from,
    (i) => ({ x: from.x + stepPx * outAndBack(i), y: from.y }),
    DRAG_MOVES,
    {
      midway: async () =>
        void (preview = (await page.locator('[aria-label="Design figures"][data-preview]').count()) > 0),
    },
  );
  if (!preview) throw new Error('Dragging a layer into the next lane showed no preview in the figures bar.');
  await settle(page);
  return figures;
}

/**
 * Commits `runs` moves, each a layer of the device lane dropped into the next lane by a mouse
 * drag, timed from the drop to the new layout drawn. When a drop commits nothing (no node drag
 * in the studio), falls back to the layer's details panel button, timed from the click.
 */
export async function commitMoves(page: Page, tiers: readonly string[], runs: number): Promise<TimedEdits> {
  const times: number[] = [];
  const toDom: number[] = [];
  const values: [string, string][] = [];
  let how = 'a layer dragged into the next lane and dropped';
  for (let run = 0; run < runs; run++) {
    const layer = async (): Promise<{ id: string; box: Box }> => {
      const [node] = await layerNodesOn(page, tiers[0]!);
      if (!node) throw new Error(`No layer on the ${tiers[0]} lane is on screen to move.`);
      return node;
    };
    let timing: EditTiming | null = null;
    if (how.startsWith('a layer dragged')) {
      const node = await layer();
      const target = await laneBox(page, tiers[1]!);
      await armRelayout(page);
      await dragTo(page, centre(node.box), { x: centre(target).x, y: centre(node.box).y }, 20);
      timing = await relayoutDone(page).catch(() => null);
      if (!timing) {
        how = "the layer's details panel button (a dropped layer committed nothing)";
        await settle(page);
      }
    }
    if (!timing) {
      const node = await layer();
      await page.mouse.click(centre(node.box).x, centre(node.box).y);
      const place = page.getByRole('group', { name: 'Place the layer' });
      await place.waitFor();
      await armRelayout(page);
      await place.getByRole('button', { name: new RegExp(`^${tiers[1]}$`, 'i') }).click();
      timing = await relayoutDone(page);
    }
    times.push(timing.editToShownMs);
    toDom.push(timing.editToDomMs);
    values.push([timing.before, timing.after]);
    await settle(page);
  }
  return {
    medianMs: median(times),
    timesMs: times,
    medianToDomMs: median(toDom),
    toDomMs: toDom,
    how,
    values,
  };
}

/**
 * Edits the first link's uplink bandwidth `runs` times in the lane header's link fields (a new
 * value typed, then Enter), timed from Enter to the figures bar showing the new latency. The
 * design must already send something over that link, or latency would not change.
 */
export async function editLinks(page: Page, tiers: readonly string[], runs: number): Promise<TimedEdits> {
  await linkChip(page, tiers[0]!).click();
  const field = page.getByRole('dialog').getByRole('spinbutton', { name: 'Uplink (Mb/s)' });
  await field.waitFor();
  const start = Number(await field.inputValue());
  const times: number[] = [];
  const toDom: number[] = [];
  const values: [string, string][] = [];
  for (let run = 0; run < runs; run++) {
    // Halve, then restore, and so on: each edit changes the latency.
    await field.fill(String(run % 2 === 0 ? start / 2 : start));
    await armFigure(page, 'latency');
    await field.press('Enter');
    const timing = await figureDone(page);
    times.push(timing.editToShownMs);
    toDom.push(timing.editToDomMs);
    values.push([timing.before, timing.after]);
    await settle(page);
  }
  await page.keyboard.press('Escape');
  return {
    medianMs: median(times),
    timesMs: times,
    medianToDomMs: median(toDom),
    toDomMs: toDom,
    how: 'Uplink (Mb/s) typed, then Enter',
    values,
  };
}

/** The idle page's frame interval, the unit "within one frame" is counted in. */
export async function idleFrameMs(page: Page): Promise<number> {
  const record = await page.evaluate(() =>
    (globalThis as unknown as ProbeHost).__cutlineBench!.idleFrames(1000),
  );
  return median(record.intervalsMs);
}

export type { Point };
