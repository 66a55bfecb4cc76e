import type { MouseEvent as ReactMouseEvent, ReactNode } from 'react';
import { Symbols } from 'recharts';
import type { SeriesStyle } from './chart-theme.js';

export interface ChartMarkerProps {
  readonly cx: number | undefined;
  readonly cy: number | undefined;
  readonly style: SeriesStyle;
  /** Filled (exact, measured) or hollow (heuristic, estimated): told apart without colour. */
  readonly filled: boolean;
  /** The chart's background, inside a hollow marker. */
  readonly background: string;
  /** Symbol area in px² (recharts' `size`); 64 is about 9 px across. */
  readonly size?: number;
  /** Marks the point that is the design now (a ring around it). */
  readonly ringed?: boolean;
  readonly label?: string;
  readonly onEnter?: () => void;
  readonly onLeave?: () => void;
  readonly onClick?: (event: ReactMouseEvent<SVGGElement>) => void;
  readonly children?: ReactNode;
}

/**
 * One point of a chart: the series' symbol in its colour, filled or hollow, with optional pointer
 * handlers (hover to preview, click to apply). Used as a recharts `shape` or line `dot`.
 */
export function ChartMarker({
  cx,
  cy,
  style,
  filled,
  background,
  size = 64,
  ringed = false,
  label,
  onEnter,
  onLeave,
  onClick,
}: ChartMarkerProps) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  const interactive = onClick !== undefined || onEnter !== undefined;
  return (
    <g
      className="chart-marker"
      onMouseEnter={onEnter}
      onMouseLeave={onLeave}
      onClick={onClick}
      style={interactive ? { cursor: 'pointer' } : undefined}
    >
      {label && <title>{label}</title>}
      {ringed && (
        <circle
          cx={cx}
          cy={cy}
          r={Math.sqrt(size) * 0.9 + 3}
          fill="none"
          stroke={style.color}
          strokeWidth={1}
        />
      )}
      <Symbols
        cx={cx}
        cy={cy}
        type={style.marker}
        size={size}
        fill={filled ? style.color : background}
        stroke={style.color}
        strokeWidth={filled ? 1 : 2}
      />
      {/* A larger transparent target: a 9 px marker is hard to hit. */}
      {interactive && <circle cx={cx} cy={cy} r={Math.max(8, Math.sqrt(size))} fill="transparent" />}
    </g>
  );
}
