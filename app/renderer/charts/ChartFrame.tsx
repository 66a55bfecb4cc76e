import { useRef, useState, type ReactElement, type ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { saveChart, type ChartFileFormat } from './chart-export.js';
import './charts.css';

export interface ChartFrameProps {
  /** The figure's caption, its accessible name and (unless `fileName`) its file name. */
  readonly title: string;
  /** The exported files' name without extension; default: from the title. */
  readonly fileName?: string;
  /** The plot's height in px (the dock is about 44vh: 200–260 fits beside its controls). */
  readonly height?: number;
  /** Controls shown in the caption before the save buttons (a series toggle, a data-table switch). */
  readonly actions?: ReactNode;
  /** A recharts chart (`<ScatterChart>`, `<LineChart>`…): sized to the frame's width and `height`. */
  readonly children: ReactElement;
  /** Under the plot: notes, a data table. */
  readonly footer?: ReactNode;
}

/**
 * A titled figure around a recharts chart, with Save SVG and Save PNG: the files look like the
 * screen in either theme and are named after the chart.
 */
export function ChartFrame({ title, fileName, height = 230, actions, children, footer }: ChartFrameProps) {
  const body = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const save = (format: ChartFileFormat) => {
    const element = body.current;
    if (!element) return;
    setProblem(null);
    saveChart(element, title, fileName, format).then(
      (saved) => {
        if (!saved) setProblem('The chart has not been drawn yet; try again in a moment.');
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );
  };

  return (
    <figure className="chart-frame" aria-label={title}>
      <figcaption>
        <span>{title}</span>
        <span className="chart-frame-actions">
          {actions}
          <button
            type="button"
            aria-label={`Save ${title} as SVG`}
            title="Save the chart as an SVG file"
            onClick={() => save('svg')}
          >
            Save SVG
          </button>
          <button
            type="button"
            aria-label={`Save ${title} as PNG`}
            title="Save the chart as a PNG image (twice the screen's size)"
            onClick={() => save('png')}
          >
            Save PNG
          </button>
        </span>
      </figcaption>
      <div className="chart-frame-body" ref={body} style={{ height }}>
        <ResponsiveContainer width="100%" height={height}>
          {children}
        </ResponsiveContainer>
      </div>
      {problem && (
        <p role="alert" className="chart-frame-problem">
          {problem}
        </p>
      )}
      {footer}
    </figure>
  );
}
