/**
 * Structural rules of a topology that a schema cannot state: tiers run device → edge → cloud
 * (a subset, in that order, starting at the device), and links join exactly the consecutive
 * pairs, from the lower tier to the higher. Traffic between non-adjacent tiers is relayed.
 */
import type { FieldProblem } from './issues.js';
import { TIER_NAMES, type TopologySpec } from './types.js';

export function topologyProblems(spec: TopologySpec): FieldProblem[] {
  return [...tierProblems(spec), ...linkProblems(spec)];
}

function tierProblems(spec: TopologySpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const first = spec.tiers[0];
  if (first && first.name !== 'device') {
    problems.push({
      field: 'tiers[0].name',
      problem: `must be "device" (a topology starts at the end device where the input is), got "${first.name}"`,
    });
  }
  spec.tiers.forEach((tier, i) => {
    const previous = spec.tiers[i - 1];
    if (!previous) return;
    if (tier.name === previous.name) {
      problems.push({
        field: `tiers[${i}].name`,
        problem: `repeats tiers[${i - 1}] ("${tier.name}"); tier names must be unique`,
      });
    } else if (TIER_NAMES.indexOf(tier.name) < TIER_NAMES.indexOf(previous.name)) {
      problems.push({
        field: `tiers[${i}].name`,
        problem: `"${tier.name}" cannot follow "${previous.name}": tiers run in the order ${TIER_NAMES.join(' → ')}`,
      });
    }
  });
  return problems;
}

function linkProblems(spec: TopologySpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const hops = spec.tiers.slice(1).map((tier, i) => ({ from: spec.tiers[i]!.name, to: tier.name }));
  const used = new Map<string, number>();
  spec.links.forEach((link, i) => {
    const key = `${link.from}→${link.to}`;
    const hop = hops.find((h) => h.from === link.from && h.to === link.to);
    const reverse = hops.find((h) => h.from === link.to && h.to === link.from);
    const seen = used.get(key);
    if (hop && seen !== undefined) {
      problems.push({
        field: `links[${i}]`,
        problem: `is a second link from "${link.from}" to "${link.to}" (links[${seen}] is the first); keep one`,
      });
    } else if (hop) {
      used.set(key, i);
    } else if (reverse) {
      problems.push({
        field: `links[${i}]`,
        problem: `goes from "${link.from}" to "${link.to}"; write it from the lower tier to the higher ("from": "${link.to}", "to": "${link.from}"), one link serves both directions`,
      });
    } else {
      problems.push({
        field: `links[${i}]`,
        problem: `joins "${link.from}" to "${link.to}", which are not consecutive tiers of this topology (${spec.tiers.map((t) => t.name).join(' → ')}); remove it`,
      });
    }
  });
  for (const hop of hops) {
    const reversed = spec.links.some((l) => l.from === hop.to && l.to === hop.from);
    if (!used.has(`${hop.from}→${hop.to}`) && !reversed) {
      problems.push({
        field: 'links',
        problem: `has no link from "${hop.from}" to "${hop.to}"; add { "from": "${hop.from}", "to": "${hop.to}", "link": "<link id>" }`,
      });
    }
  }
  return problems;
}
