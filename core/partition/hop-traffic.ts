/**
 * Per-hop traffic of one placement, added up tensor by tensor. Relay mode (evaluate.ts) and stock
 * mode (serving-mode.ts) route tensors differently but charge each crossing, and report the hops,
 * the same way; this is that one way.
 */
import type { HopTraffic } from './evaluate.js';
import type { HopCost } from './problem.js';

export class HopTally {
  readonly upBytes: number[];
  readonly downBytes: number[];
  readonly upBusyMs: number[];
  readonly downBusyMs: number[];
  readonly latencyMs: number[];

  constructor(hopCount: number) {
    this.upBytes = new Array<number>(hopCount).fill(0);
    this.downBytes = new Array<number>(hopCount).fill(0);
    this.upBusyMs = new Array<number>(hopCount).fill(0);
    this.downBusyMs = new Array<number>(hopCount).fill(0);
    this.latencyMs = new Array<number>(hopCount).fill(0);
  }

  /** Counts `bytes` going up hop `h` at `cost`; returns `cost`, whose latency and energy the caller sums. */
  up(cost: HopCost, h: number, bytes: number): HopCost {
    this.upBytes[h]! += bytes;
    this.upBusyMs[h]! += cost.busyMs;
    this.latencyMs[h]! += cost.latencyMs;
    return cost;
  }

  /** Counts `bytes` going down hop `h` at `cost` (see `up`). */
  down(cost: HopCost, h: number, bytes: number): HopCost {
    this.downBytes[h]! += bytes;
    this.downBusyMs[h]! += cost.busyMs;
    this.latencyMs[h]! += cost.latencyMs;
    return cost;
  }

  /** The busiest link direction's time, ms: a pipelined stream's period is at least this. */
  busiestMs(): number {
    return Math.max(...this.upBusyMs, ...this.downBusyMs);
  }

  /** The hops, bytes on all of them both ways, and bytes both ways on the WAN hop (0 when `wanHop` < 0). */
  figures(wanHop: number): { hops: HopTraffic[]; linkBytes: number; wanBytes: number } {
    return {
      hops: this.upBytes.map((_, h) => ({
        upBytes: this.upBytes[h]!,
        downBytes: this.downBytes[h]!,
        upBusyMs: this.upBusyMs[h]!,
        downBusyMs: this.downBusyMs[h]!,
        latencyMs: this.latencyMs[h]!,
      })),
      linkBytes: this.upBytes.reduce((a, b) => a + b, 0) + this.downBytes.reduce((a, b) => a + b, 0),
      wanBytes: wanHop >= 0 ? this.upBytes[wanHop]! + this.downBytes[wanHop]! : 0,
    };
  }
}
