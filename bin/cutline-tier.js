#!/usr/bin/env node
// One tier of a deployment bundle, from Cutline's sources (bundles ship runtime/cutline-tier.mjs).
import { register } from 'tsx/esm/api';

register();
const { tierMain } = await import('../core/bundle/tier-main.ts');
tierMain(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`cutline-tier: ${error.code ? `${error.code}: ` : ''}${error.message ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
