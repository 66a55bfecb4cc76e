/**
 * JSON Schema (draft 2020-12) of each profile kind, generated from the zod schemas so editors
 * and the loader agree. The committed files in `profiles/schema/` are written by
 * `npm run profiles:schema` and checked against a fresh generation by test/profiles.test.ts.
 */
import { z } from 'zod';
import type { ProfileKind } from './library.js';
import { deviceProfileSchema, linkProfileSchema, topologySpecSchema } from './schema.js';

const SCHEMAS = {
  device: deviceProfileSchema,
  link: linkProfileSchema,
  topology: topologySpecSchema,
} as const;

const TITLES: Readonly<Record<ProfileKind, string>> = {
  device: 'Cutline device profile',
  link: 'Cutline link profile',
  topology: 'Cutline topology',
};

/** File name of each kind's schema inside `profiles/schema/`. */
export function jsonSchemaFileName(kind: ProfileKind): string {
  return `${kind}.schema.json`;
}

/** The JSON Schema of one profile kind, as the text committed to `profiles/schema/`. */
export function profileJsonSchemaText(kind: ProfileKind): string {
  const schema = z.toJSONSchema(SCHEMAS[kind], { unrepresentable: 'throw' });
  return `${JSON.stringify({ title: TITLES[kind], ...schema }, null, 2)}\n`;
}
