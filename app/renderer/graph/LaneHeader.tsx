import { useStore as useFlowStore } from '@xyflow/react';
import { memo, useEffect, useRef, useState } from 'react';
import { TIER_TITLES } from '../../../core/tiers.js';
import type { Topology } from '../../../core/profiles/types.js';
import type { LaneBand } from '../layout/layout-types.js';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';
import { formatMbps, formatRttMs } from '../util/format.js';
import { DevicePicker } from './DevicePicker.js';
import { LinkPopover } from './LinkPopover.js';
import { LANE_HEADER_PX } from './viewport.js';

const selectLanes = (s: Store): readonly LaneBand[] | null => selectCurrentGraph(s)?.lanes ?? null;
const selectTopology = (s: Store): Topology | null => s.design?.topology ?? null;
const selectTransform = (s: { transform: [number, number, number] }): [number, number, number] => s.transform;

type Open = { readonly kind: 'tier' | 'link'; readonly index: number } | null;

/** What a link chip says (visible) and its accessible name, for tests and screen readers. */
export function linkChipText(
  topology: Topology,
  hop: number,
): { readonly text: string; readonly name: string } | null {
  const link = topology.hops[hop];
  const from = topology.tiers[hop];
  const to = topology.tiers[hop + 1];
  if (!link || !from || !to) return null;
  const bandwidth =
    link.uplinkMbps === link.downlinkMbps
      ? formatMbps(link.uplinkMbps)
      : `${formatMbps(link.uplinkMbps).replace(' Mb/s', '')}/${formatMbps(link.downlinkMbps)}`;
  return {
    // Figures first: a narrow lane cuts the chip's end, and the name is the longest part.
    text: `${bandwidth} · ${formatRttMs(link.rttMs)} · ${link.name}`,
    name: `Link ${from.name} → ${to.name}: ${link.name} ${bandwidth}, ${formatRttMs(link.rttMs)}`,
  };
}

/**
 * The bar over the top of the canvas naming each lane's tier and hardware ("Device · Raspberry
 * Pi 4") and, on each boundary between lanes, the link's name, bandwidth and RTT. It follows the
 * viewport's x and zoom but stays at the top, so the labels stay visible while the user scrolls
 * down a long model. A tier label opens a device picker, a link chip the link's number fields.
 * Rendered as a child of React Flow (it reads the viewport from React Flow's store).
 */
export const LaneHeader = memo(function LaneHeader() {
  const lanes = useStudio(selectLanes);
  const topology = useStudio(selectTopology);
  const [x, , zoom] = useFlowStore(selectTransform);
  const [open, setOpen] = useState<Open>(null);
  const bar = useRef<HTMLDivElement>(null);
  // A press anywhere outside the header (the canvas, a panel) closes an open picker or link editor.
  useEffect(() => {
    if (!open) return;
    const onPress = (event: PointerEvent): void => {
      if (event.target instanceof Node && bar.current?.contains(event.target)) return;
      // Blur first, so a value typed without Enter applies before its field goes away.
      const focused = document.activeElement;
      if (focused instanceof HTMLElement && bar.current?.contains(focused)) focused.blur();
      setOpen(null);
    };
    document.addEventListener('pointerdown', onPress, true);
    return () => document.removeEventListener('pointerdown', onPress, true);
  }, [open]);
  if (!lanes || lanes.length === 0) return null;
  const tierIndex = (lane: LaneBand): number => topology?.tiers.findIndex((t) => t.name === lane.tier) ?? -1;
  const close = (): void => setOpen(null);

  return (
    <div
      ref={bar}
      className="lane-header"
      style={{ height: LANE_HEADER_PX }}
      role="toolbar"
      aria-label="Tiers and links"
    >
      {lanes.map((lane, i) => {
        const left = x + lane.x * zoom;
        const width = lane.width * zoom;
        const t = tierIndex(lane);
        const tier = t >= 0 ? topology?.tiers[t] : undefined;
        const label = tier ? `${TIER_TITLES[lane.tier]} · ${tier.device.name}` : TIER_TITLES[lane.tier];
        const next = lanes[i + 1];
        const hop = next && t >= 0 && topology?.tiers[t + 1]?.name === next.tier ? t : -1;
        const chip = hop >= 0 && topology ? linkChipText(topology, hop) : null;
        const link = hop >= 0 ? topology?.hops[hop] : undefined;
        return (
          <div key={lane.tier} className="lane-header-cell" data-tier={lane.tier} style={{ left, width }}>
            <button
              type="button"
              className="lane-header-tier nopan"
              // The whole label too: a narrow lane cuts the device's name short.
              title={tier ? `${label}: click to run the ${lane.tier} on other hardware` : undefined}
              disabled={!tier}
              aria-expanded={open?.kind === 'tier' && open.index === t}
              onClick={() =>
                setOpen(open?.kind === 'tier' && open.index === t ? null : { kind: 'tier', index: t })
              }
            >
              {label}
            </button>
            {tier && open?.kind === 'tier' && open.index === t && (
              <DevicePicker
                tier={t}
                current={tier.device}
                title={`Device of the ${lane.tier} tier`}
                onClose={close}
              />
            )}
            {chip && link && (
              <div className="lane-header-link">
                <button
                  type="button"
                  className="lane-header-chip nopan"
                  aria-label={chip.name}
                  // As wide as the narrower of the two lanes allows, so chips never overlap.
                  style={{ maxWidth: Math.max(48, 0.9 * Math.min(width, next!.width * zoom)) }}
                  title={`${chip.name}. Click to edit its bandwidth and RTT.`}
                  aria-expanded={open?.kind === 'link' && open.index === hop}
                  onClick={() =>
                    setOpen(open?.kind === 'link' && open.index === hop ? null : { kind: 'link', index: hop })
                  }
                >
                  {chip.text}
                </button>
                {open?.kind === 'link' && open.index === hop && (
                  <LinkPopover
                    hop={hop}
                    link={link}
                    title={`Link ${lane.tier} → ${next!.tier}`}
                    onClose={close}
                  />
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
});
