/**
 * Installing a packed tarball with nothing but npm's local cache. `npm install --offline
 * ./pkg.tgz` cannot: it asks the registry for each dependency's metadata (its "packument"), and
 * `npm ci` caches only tarballs, so that metadata is not in the cache. With a lockfile naming
 * every package's tarball and integrity, `npm ci --offline` needs nothing else: this writes the
 * project and lockfile that install the tarball, its dependencies pinned as the repository's
 * package-lock.json pins them.
 */
import fs from 'node:fs';
import path from 'node:path';

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly bin?: Record<string, string>;
  readonly engines?: Record<string, string>;
  readonly license?: string;
}

/** Where Node would find `name` required from the package at lock key `from` ('' = the root). */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!base) return null;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/**
 * Writes `<dir>/package.json` and `<dir>/package-lock.json` installing `tarball` (copied into
 * `dir`), whose manifest is `manifest`, with the lock entries of its dependencies' closure taken
 * from `repoLockFile`. Throws naming a dependency the repository's lock does not hold.
 */
export function writeOfflineInstall(
  dir: string,
  tarball: string,
  manifest: PackageManifest,
  repoLockFile: string,
): void {
  const lock = JSON.parse(fs.readFileSync(repoLockFile, 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${path.basename(tarball)}`;
  fs.copyFileSync(tarball, path.join(dir, path.basename(tarball)));
  const dependencies = manifest.dependencies ?? {};
  const packages: Record<string, unknown> = {
    '': { name: 'cutline-install', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      license: manifest.license,
      dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  const queue: [from: string, name: string][] = Object.keys(dependencies).map((name) => ['', name]);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const [from, name] = next;
    const key = resolveKey(lock.packages, from, name);
    if (key === null) {
      // An optional dependency of another platform may be absent from the lock.
      if (from !== '' && lock.packages[from]?.optionalDependencies?.[name] !== undefined) continue;
      throw new Error(`${name} (required from ${from || 'the package'}) is not in package-lock.json`);
    }
    if (packages[key]) continue;
    const entry = lock.packages[key]!;
    // Dev flags describe the repository's tree, not this one.
    packages[key] = Object.fromEntries(
      Object.entries(entry).filter(([field]) => field !== 'dev' && field !== 'devOptional'),
    );
    for (const child of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push([key, child]);
  }
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'cutline-install', private: true, dependencies: { [manifest.name]: spec } }, null, 2)}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: 'cutline-install', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
}
