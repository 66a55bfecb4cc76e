/**
 * The tier runtime a bundle ships: Cutline's runtime code bundled by esbuild into one ES module,
 * `runtime/cutline-tier.mjs`, with onnxruntime-node left as its only dependency (native, so it is
 * installed on the target, as the Dockerfile does).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prebuiltRuntime } from './prebuilt-runtime.js';
import { ORT_VERSION } from './write-bundle.js';

const ENTRY = fileURLToPath(new URL('./tier-entry.ts', import.meta.url));
/**
 * `import.meta.url` in the generated module, spelled in pieces: app/main/bundle.ts rewrites that
 * expression in the sources it bundles (this file is part of the studio's bundled command), and a
 * rewrite inside this string would break the runtime.
 */
const GENERATED_IMPORT_META_URL = ['import', 'meta', 'url'].join('.');

export async function writeRuntime(runtimeDir: string): Promise<void> {
  fs.mkdirSync(runtimeDir, { recursive: true });
  const prebuilt = prebuiltRuntime();
  if (prebuilt) {
    // A build of Cutline carries the runtime built already (esbuild is not part of it).
    fs.cpSync(prebuilt.runtimeDir, runtimeDir, { recursive: true });
    return;
  }
  // Loaded only here: a build of Cutline has no esbuild and never gets here.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [ENTRY],
    outfile: path.join(runtimeDir, 'cutline-tier.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['onnxruntime-node'],
    // Bundled CommonJS dependencies may call require(): give the module one.
    banner: {
      js: `import { createRequire as __cutlineRequire } from 'node:module'; const require = __cutlineRequire(${GENERATED_IMPORT_META_URL});`,
    },
    legalComments: 'linked',
    logLevel: 'silent',
  });
  const pkg = {
    name: 'cutline-tier-runtime',
    private: true,
    type: 'module',
    description: 'Serves one tier of a Cutline deployment bundle over the Open Inference Protocol.',
    dependencies: { 'onnxruntime-node': ORT_VERSION },
    engines: { node: '>=20' },
  };
  fs.writeFileSync(path.join(runtimeDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}
