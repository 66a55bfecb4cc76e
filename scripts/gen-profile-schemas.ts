/**
 * Writes the JSON Schema of each profile kind to `profiles/schema/<kind>.schema.json` from the
 * zod schemas in core/profiles/schema.ts, formatted as Prettier would (the tree is checked with
 * `prettier --check`).
 *
 *     npm run profiles:schema
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { bundledProfilesDir, type ProfileKind } from '../core/profiles/library.js';
import { jsonSchemaFileName, profileJsonSchemaText } from '../core/profiles/json-schema.js';

const KINDS: readonly ProfileKind[] = ['device', 'link', 'topology'];

for (const kind of KINDS) {
  const file = path.join(bundledProfilesDir(), 'schema', jsonSchemaFileName(kind));
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(profileJsonSchemaText(kind), { ...options, filepath: file }));
  console.log(`wrote ${file}`);
}
