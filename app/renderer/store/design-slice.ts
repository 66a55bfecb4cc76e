/**
 * The design slice: what the user designs, with undo and redo. Every edit is recorded as a diff
 * (`DesignDiff`: per layer its tier before and after, other fields before and after), never as a
 * snapshot of the store, the way tldraw's HistoryManager records changes. A drag in progress
 * lives in `preview` and is not recorded: dropping records one entry, cancelling records none.
 * Link edits of one hop that follow each other quickly (a slider being dragged, a number being
 * typed) squash into one entry.
 */
import { editedLink } from '../../../core/profiles/link-edit.js';
import type { StateCreator } from 'zustand';
import type { Topology, TierName } from '../../../core/profiles/types.js';
import { applyDiff, diffPlacement, isEmptyDiff, sameInputs, squash, withTiers } from '../design/diff.js';
import { retierPlacement } from '../../../core/project/placement.js';
import { tierOf } from '../../../core/tiers.js';
import { layersOfIds, tierTitleOf } from '../design/placement.js';
import type { Design, DesignDiff, DesignSlice, HistoryEntry, MoveOutcome } from './design-types.js';
import type { Store } from './store-types.js';

/** No input values: what a design without `inputValues` holds. */
const NO_VALUES: Readonly<Record<string, string>> = {};

export type { Design, DesignSlice };

/** Edits of one kind within this long of each other become one history entry. */
export const SQUASH_WINDOW_MS = 1000;
/** Oldest entries are dropped past this many. */
export const HISTORY_LIMIT = 500;

const NOTHING_MOVED: MoveOutcome = { moved: 0, refused: [] };

/** Every layer on the device: how a fresh design starts (one object, so layouts can compare it). */
export const NO_PLACEMENT: Readonly<Record<string, TierName>> = Object.freeze({});

/** No design and no history: the model it belonged to was replaced or closed. */
export const NO_DESIGN: Pick<DesignSlice, 'design' | 'preview' | 'past' | 'future'> = {
  design: null,
  preview: null,
  past: [],
  future: [],
};

export const createDesignSlice: StateCreator<Store, [], [], DesignSlice> = (set, get) => {
  /** The last recorded entry's squash key and time, kept out of the store (it is not state). */
  let lastSquash: { key: string; at: number } | null = null;

  /** Applies `diff` forward and records it; `squashKey` merges it into the last entry if recent. */
  function record(label: string, diff: DesignDiff, squashKey?: string): void {
    const { design, past, revision } = get();
    if (!design || isEmptyDiff(diff)) return;
    const now = Date.now();
    const last = past[past.length - 1];
    const squashing =
      squashKey !== undefined &&
      last !== undefined &&
      lastSquash?.key === squashKey &&
      now - lastSquash.at < SQUASH_WINDOW_MS;
    lastSquash = squashKey === undefined ? null : { key: squashKey, at: now };
    const entry: HistoryEntry = squashing ? { label, diff: squash(last.diff, diff) } : { label, diff };
    const kept = squashing ? past.slice(0, -1) : past;
    set({
      design: applyDiff(design, diff, 'forward'),
      past: [...kept.slice(Math.max(0, kept.length + 1 - HISTORY_LIMIT)), entry],
      future: [],
      preview: null,
      revision: revision + 1,
    });
  }

  function placementChange(target: Readonly<Record<string, TierName>>, label: string): MoveOutcome {
    const { design } = get();
    if (!design) return NOTHING_MOVED;
    const pinned = new Set(design.pins);
    const { diff, refused } = diffPlacement(design.placement, target, pinned);
    const moved = Object.keys(diff).length;
    if (moved > 0) record(label, { placement: diff });
    else if (get().preview !== null) set({ preview: null });
    return {
      moved,
      refused: refused.map((id) => ({
        id,
        reason: `${id} is pinned to ${tierTitleOf(tierOf(design.placement, id))}: unpin it (P) to move it.`,
      })),
    };
  }

  return {
    ...NO_DESIGN,
    revision: 0,
    savedRevision: 0,
    projectPath: null,

    startDesign: (design, projectPath, options) => {
      lastSquash = null;
      const { revision } = get();
      set({
        design,
        preview: null,
        past: [],
        future: [],
        revision: revision + 1,
        savedRevision: options?.dirty === true ? revision : revision + 1,
        projectPath,
      });
    },

    moveLayers: (ids, tier, label) => {
      const { design, index } = get();
      if (!design || !index) return NOTHING_MOVED;
      const layers = layersOfIds(index, ids);
      if (!design.topology.tiers.some((t) => t.name === tier)) {
        return {
          moved: 0,
          refused: layers.map((id) => ({
            id,
            reason: `The topology "${design.topology.spec.name}" has no ${tierTitleOf(tier)} tier.`,
          })),
        };
      }
      const target = withTiers(
        design.placement,
        layers.map((id) => [id, tier] as const),
      );
      const count = layers.length;
      return placementChange(
        target,
        label ?? `Move ${count === 1 ? layers[0]! : `${count} layers`} to ${tierTitleOf(tier)}`,
      );
    },

    applyPlacement: (placement, label) => placementChange(placement, label),

    setPinned: (ids, pinned) => {
      const { design, index } = get();
      if (!design || !index) return;
      const layers = layersOfIds(index, ids);
      const next = new Set(design.pins);
      for (const id of layers) {
        if (pinned) next.add(id);
        else next.delete(id);
      }
      const pins = [...next].sort();
      if (pins.length === design.pins.length && pins.every((p, i) => p === design.pins[i])) return;
      const what = layers.length === 1 ? layers[0]! : `${layers.length} layers`;
      record(`${pinned ? 'Pin' : 'Unpin'} ${what}`, { pins: [design.pins, pins] });
    },

    setPreview: (placement) => {
      if (get().preview !== placement) set({ preview: placement });
    },

    setTopology: (topology, topologyId, label) => {
      const { design } = get();
      if (!design || design.topology === topology) return;
      // Layers on a tier the new topology lacks move to the nearest tier it has below.
      const target = retierPlacement(
        design.placement,
        topology.tiers.map((t) => t.name),
      );
      const { diff } = diffPlacement(design.placement, target, new Set());
      record(label ?? `Use topology ${topology.spec.name}`, {
        topology: [
          { topology: design.topology, topologyId: design.topologyId },
          { topology, topologyId },
        ],
        ...(Object.keys(diff).length > 0 ? { placement: diff } : {}),
      });
    },

    editLink: (hop, edit) => {
      const { design } = get();
      const link = design?.topology.hops[hop];
      if (!design || !link) return;
      const next = editedLink(link, edit);
      if (
        next.uplinkMbps === link.uplinkMbps &&
        next.downlinkMbps === link.downlinkMbps &&
        next.rttMs === link.rttMs
      )
        return;
      const topology: Topology = {
        ...design.topology,
        hops: design.topology.hops.map((h, i) => (i === hop ? next : h)),
      };
      const between = `${tierTitleOf(design.topology.tiers[hop]!.name)}–${tierTitleOf(design.topology.tiers[hop + 1]!.name)}`;
      record(
        `Edit the ${between} link`,
        {
          topology: [
            { topology: design.topology, topologyId: design.topologyId },
            { topology, topologyId: null },
          ],
        },
        `link:${hop}`,
      );
    },

    setTierDevice: (tier, device) => {
      const { design } = get();
      const current = design?.topology.tiers[tier];
      if (!design || !current || current.device === device) return;
      const topology: Topology = {
        ...design.topology,
        tiers: design.topology.tiers.map((t, i) => (i === tier ? { ...t, device } : t)),
      };
      record(`Run ${tierTitleOf(current.name)} on ${device.name}`, {
        topology: [
          { topology: design.topology, topologyId: design.topologyId },
          { topology, topologyId: null },
        ],
      });
    },

    setInputs: (inputs, inputValues) => {
      const { design } = get();
      if (!design) return;
      const values = design.inputValues ?? NO_VALUES;
      const shapesChange = !sameInputs(design.inputs, inputs);
      const valuesChange = inputValues !== undefined && !sameInputs(values, inputValues);
      if (!shapesChange && !valuesChange) return;
      record(shapesChange ? 'Bind input dimensions' : 'Set input values', {
        ...(shapesChange ? { inputs: [design.inputs, inputs] as const } : {}),
        ...(valuesChange ? { inputValues: [values, inputValues] as const } : {}),
      });
    },

    setObjective: (objective) => {
      const { design } = get();
      if (!design || design.objective === objective) return;
      record(`Objective: ${objective}`, { objective: [design.objective, objective] });
    },

    setConstraints: (constraints) => {
      const { design } = get();
      if (!design) return;
      if (
        constraints.length === design.constraints.length &&
        constraints.every((c, i) => c === design.constraints[i])
      )
        return;
      record('Edit constraints', { constraints: [design.constraints, constraints] });
    },

    setSolverSettings: (objective, constraints) => {
      const { design } = get();
      if (!design) return;
      const sameConstraints =
        constraints.length === design.constraints.length &&
        constraints.every((c, i) => c === design.constraints[i]);
      record(`Solver settings: ${objective}`, {
        ...(design.objective !== objective ? { objective: [design.objective, objective] as const } : {}),
        ...(sameConstraints ? {} : { constraints: [design.constraints, constraints] as const }),
      });
    },

    undo: () => {
      const { design, past, future, revision } = get();
      const entry = past[past.length - 1];
      if (!design || !entry) return;
      lastSquash = null;
      set({
        design: applyDiff(design, entry.diff, 'backward'),
        past: past.slice(0, -1),
        future: [...future, entry],
        preview: null,
        revision: revision + 1,
      });
    },

    redo: () => {
      const { design, past, future, revision } = get();
      const entry = future[future.length - 1];
      if (!design || !entry) return;
      lastSquash = null;
      set({
        design: applyDiff(design, entry.diff, 'forward'),
        past: [...past, entry],
        future: future.slice(0, -1),
        preview: null,
        revision: revision + 1,
      });
    },

    markSaved: (projectPath) => set({ savedRevision: get().revision, projectPath }),
  };
};

/** Whether the design has edits not saved (or autosaved as saved) yet. */
export const selectDirty = (s: Store): boolean => s.design !== null && s.revision !== s.savedRevision;
export const selectUndoLabel = (s: Store): string | null => s.past[s.past.length - 1]?.label ?? null;
export const selectRedoLabel = (s: Store): string | null => s.future[s.future.length - 1]?.label ?? null;
