/**
 * Cutline's own copy of the fields of Google Model Explorer's "node data" file that Cutline
 * writes (model_explorer/node_data_builder.py: ModelNodeData, GraphNodeData, NodeDataResult,
 * ThresholdItem, GradientItem). A file maps graph ids to one graph's data; a graph's `results`
 * map node ids (or output tensor names) to one value each, so a file carries one figure. Every
 * file Cutline writes is parsed back through this schema before it is written.
 */
import { z } from 'zod';

const cssColor = z.string().min(1).max(64);

/**
 * An object of names → values. Node names come from model files, and zod's record leaves out a
 * key called `__proto__`; here every own key is checked and kept (Object.fromEntries defines it
 * as a plain key).
 */
function namedRecord<T extends z.ZodType>(value: T) {
  return z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object',
    )
    .transform((record, ctx) => {
      const entries: [string, z.output<T>][] = [];
      for (const [key, item] of Object.entries(record)) {
        const checked = value.safeParse(item);
        if (!checked.success) {
          for (const issue of checked.error.issues)
            ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
          return z.NEVER;
        }
        entries.push([key, checked.data]);
      }
      return Object.fromEntries(entries) as Record<string, z.output<T>>;
    });
}

/** One node's value: a number (colour from the gradient) or a label such as a tier name. */
export const nodeDataResultSchema = z.strictObject({
  value: z.union([z.number().finite(), z.string().max(256)]),
  bgColor: cssColor.optional(),
  textColor: cssColor.optional(),
});

/** Values up to `value` (and above the previous item's) take this item's colours. */
export const thresholdItemSchema = z.strictObject({
  value: z.number().finite(),
  bgColor: cssColor,
  textColor: cssColor.optional(),
});

/** A colour stop: 0 is the smallest value of the results, 1 the largest. */
export const gradientItemSchema = z.strictObject({
  stop: z.number().min(0).max(1),
  bgColor: cssColor.optional(),
  textColor: cssColor.optional(),
});

export const graphNodeDataSchema = z
  .strictObject({
    results: namedRecord(nodeDataResultSchema),
    thresholds: z.array(thresholdItemSchema).optional(),
    gradient: z.array(gradientItemSchema).optional(),
    hideInAggregatedStatsTable: z.boolean().optional(),
    hideInChildrenStatsTable: z.boolean().optional(),
    hideAggregatedStats: z.array(z.enum(['min', 'max', 'sum', 'avg'])).optional(),
    showExpandedSummaryOnGroupNode: z.boolean().optional(),
    showLabelCountColumnsInChildrenStatsTable: z.boolean().optional(),
  })
  .refine(
    // Model Explorer's rule: a gradient always has its 0 and 1 stops.
    (g) => !g.gradient || (g.gradient.some((s) => s.stop === 0) && g.gradient.some((s) => s.stop === 1)),
    { message: 'a gradient needs stops 0 and 1', path: ['gradient'] },
  );

/** The file: graph id → that graph's node data. */
export const modelNodeDataSchema = namedRecord(graphNodeDataSchema);

export type NodeDataResult = z.infer<typeof nodeDataResultSchema>;
export type GraphNodeData = z.infer<typeof graphNodeDataSchema>;
export type ModelNodeData = z.infer<typeof modelNodeDataSchema>;
