/**
 * The solvers' settings: objective (a slider between latency and energy when weighted) and the
 * constraints. Edits are a draft until Suggest runs the solvers and writes them to the design.
 */
import { memo, useId } from 'react';
import type { TierName } from '../../../core/profiles/types.js';
import { formatBytes } from '../../shared/format.js';
import { tierTitleOf } from '../design/placement.js';
import { useStudio, type Store } from '../store/store.js';
import { selectSolveForm } from './solve-selectors.js';
import { objectiveText, type FieldProblem, type ObjectiveKind, type SolveForm } from './solve-settings.js';

const selectTiers = (s: Store) => s.design?.topology.tiers;
const selectPinCount = (s: Store) => s.design?.pins.length ?? 0;

function edit(change: Partial<SolveForm>): void {
  const state = useStudio.getState();
  const form = selectSolveForm(state);
  if (form && state.opened) state.setSolveDraft(state.opened.sessionId, { ...form, ...change });
}

/** "latency × 0.8 + energy × 0.2": what the weighted objective minimises (ms and mJ). */
function weightText(latencyWeight: number): string {
  const [a, b] = objectiveText({ objective: 'weighted', latencyWeight }).replace('weighted:', '').split(',');
  return `minimises ${a} × latency ms + ${b} × device mJ`;
}

const OBJECTIVES: readonly { readonly value: ObjectiveKind; readonly label: string }[] = [
  { value: 'latency', label: 'Latency' },
  { value: 'energy', label: 'Device energy' },
  { value: 'throughput', label: 'Throughput' },
  { value: 'weighted', label: 'Weighted: latency and energy' },
];

export const SolveSettings = memo(function SolveSettings({
  problems,
}: {
  readonly problems: readonly FieldProblem[];
}) {
  const form = useStudio(selectSolveForm);
  const tiers = useStudio(selectTiers);
  const pinCount = useStudio(selectPinCount);
  const id = useId();
  if (!form || !tiers) return null;
  const problemOf = (field: string) => problems.find((p) => p.field === field)?.message;
  const allowed = (tier: TierName) => tier === 'device' || form.tiers === null || form.tiers.includes(tier);
  const toggleTier = (tier: TierName, on: boolean) => {
    const now = tiers.map((t) => t.name).filter((t) => (t === tier ? on : allowed(t)));
    edit({ tiers: now.length === tiers.length ? null : now });
  };
  const field = (
    name: string,
    label: string,
    value: string,
    set: (v: string) => void,
    placeholder: string,
  ) => {
    const message = problemOf(name);
    return (
      <label className="solve-field" key={name}>
        <span>{label}</span>
        <input
          type="text"
          inputMode="decimal"
          value={value}
          placeholder={placeholder}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-${name}` : undefined}
          onChange={(event) => set(event.target.value)}
        />
        {message && (
          <span className="solve-problem" id={`${id}-${name}`} role="alert">
            {message}
          </span>
        )}
      </label>
    );
  };
  return (
    <form
      className="solve-settings"
      aria-label="Solver settings"
      onSubmit={(event) => event.preventDefault()}
    >
      <label className="solve-field solve-objective">
        <span>Objective</span>
        <select
          value={form.objective}
          onChange={(event) => edit({ objective: event.target.value as ObjectiveKind })}
        >
          {OBJECTIVES.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {form.objective === 'weighted' && (
        <label className="solve-field solve-weight">
          <span>Latency weight</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={form.latencyWeight}
            aria-valuetext={objectiveText(form)}
            onChange={(event) => edit({ latencyWeight: Number(event.target.value) })}
          />
          <output>{weightText(form.latencyWeight)}</output>
        </label>
      )}
      <fieldset>
        <legend>Constraints</legend>
        <label className="solve-check">
          <input
            type="checkbox"
            checked={form.rawInputOnDevice}
            onChange={(event) => edit({ rawInputOnDevice: event.target.checked })}
          />
          Raw input stays on the device
        </label>
        {field(
          'min-device-layers',
          'At least this many layers on the device',
          form.minDeviceLayers,
          (v) => edit({ minDeviceLayers: v }),
          'none',
        )}
        {field('deadline', 'Latency deadline, ms', form.deadlineMs, (v) => edit({ deadlineMs: v }), 'none')}
        {tiers.map((tier) =>
          field(
            `memory:${tier.name}`,
            `Memory on ${tierTitleOf(tier.name)}`,
            form.memory[tier.name] ?? '',
            (v) => edit({ memory: { ...form.memory, [tier.name]: v } }),
            Number.isFinite(tier.device.memoryBytes) && tier.device.memoryBytes > 0
              ? formatBytes(tier.device.memoryBytes)
              : 'its profile',
          ),
        )}
        <label className="solve-check">
          <input
            type="checkbox"
            checked={form.keepPins}
            onChange={(event) => edit({ keepPins: event.target.checked })}
          />
          Keep the pins from the canvas ({pinCount} pinned)
        </label>
        <div className="solve-tiers" role="group" aria-label="Tiers the solvers may use">
          <span>May use</span>
          {tiers.map((tier) => (
            <label key={tier.name} className="solve-check">
              <input
                type="checkbox"
                checked={allowed(tier.name)}
                disabled={tier.name === 'device'}
                onChange={(event) => toggleTier(tier.name, event.target.checked)}
              />
              {tierTitleOf(tier.name)}
            </label>
          ))}
        </div>
        {form.extra.length > 0 && (
          <p className="solve-extra">Also kept from the project: {form.extra.join(', ')}</p>
        )}
      </fieldset>
    </form>
  );
});
