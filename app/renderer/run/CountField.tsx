import type { ReactNode } from 'react';

/**
 * A labelled count (runs, stream length, warm-up) in a run form's row: a label and a number
 * field, marked invalid while its text is not a count within bounds.
 */
export function CountField(props: {
  readonly id: string;
  readonly label: ReactNode;
  readonly min: number;
  readonly max: number;
  readonly value: string;
  readonly invalid: boolean;
  readonly title: string;
  readonly onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className="run-number"
        type="number"
        min={props.min}
        max={props.max}
        value={props.value}
        aria-invalid={props.invalid}
        title={props.title}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </>
  );
}
