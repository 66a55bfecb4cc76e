import type { ReactNode } from 'react';

export interface TooltipRow {
  readonly label: string;
  readonly value: string;
  /** The series' colour, as a swatch before the label. */
  readonly color?: string;
}

/** A chart tooltip's box in the theme's colours: a heading, then label–value rows, then notes. */
export function ChartTooltipBox({
  heading,
  rows,
  children,
}: {
  readonly heading: string;
  readonly rows: readonly TooltipRow[];
  readonly children?: ReactNode;
}) {
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-heading">{heading}</div>
      <table>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">
                {row.color && <span className="chart-tooltip-swatch" style={{ background: row.color }} />}
                {row.label}
              </th>
              <td>{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {children}
    </div>
  );
}
