/**
 * Three "machines" for a bundle's tiers on one host. Preferably network namespaces: `unshare -rn`
 * makes a user and network namespace holding a bridge, and in it one network namespace per tier
 * (each held by a `sleep`), joined to the bridge by a veth pair with its own address; a command
 * runs in a tier's namespace through `nsenter`. There each tier has its own loopback and its own
 * interface, so `--host 0.0.0.0` and fixed ports work as on separate machines, and the device's
 * 127.0.0.1 is not the cloud's. Nothing changes on the host's network.
 *
 * Where namespaces cannot be made (no `unshare`, `nsenter` or `ip`, or unprivileged user
 * namespaces forbidden), each tier gets a distinct loopback address instead (127.0.0.1, .2, .3)
 * and a command's `--host 0.0.0.0` becomes that address: the same URLs, token and certificates,
 * without the isolation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface TierMachines {
  /** 'namespaces' or 'loopback': how the machines were made. */
  readonly kind: 'namespaces' | 'loopback';
  /** Each machine's address, as the machine below reaches it. */
  readonly address: Readonly<Record<string, string>>;
  /** Starts `line` (a shell command) on a tier's machine, in `cwd`. */
  spawn(tier: string, line: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess;
  /** Tears the machines down (the tiers' own processes are the caller's to stop). */
  close(): Promise<void>;
}

const SUBNET = '10.77.0';

/** The setup run inside `unshare -rn`: a bridge, then per tier a namespace joined to it. */
function setupScript(tiers: readonly string[]): string {
  return [
    'set -e',
    'ip link set lo up',
    'ip link add cl-br type bridge',
    'ip link set cl-br up',
    ...tiers.flatMap((tier, i) => [
      'unshare -n sleep 3600 &',
      'pid=$!',
      // The holder must have entered its namespace before a link is moved into it.
      `until [ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/$$/ns/net)" ]; do sleep 0.01; done`,
      `ip link add cl-v${i} type veth peer name eth0 netns $pid`,
      `ip link set cl-v${i} master cl-br`,
      `ip link set cl-v${i} up`,
      `nsenter -t $pid -n sh -c 'ip link set lo up && ip addr add ${SUBNET}.${i + 1}/24 dev eth0 && ip link set eth0 up'`,
      `echo "machine ${tier} $pid"`,
    ]),
    'echo ready',
    'wait',
  ].join('\n');
}

async function namespaces(tiers: readonly string[]): Promise<TierMachines | string> {
  // Its own process group, so closing it ends the holders too.
  const setup = spawn('unshare', ['-rn', 'sh', '-c', setupScript(tiers)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  setup.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const pids = new Map<string, string>();
  const outcome = await new Promise<'ready' | string>((resolve) => {
    setup.on('error', (error) => resolve(error.message));
    setup.on('exit', (code) => resolve(`setup exited (${code}): ${stderr.trim()}`));
    readline.createInterface({ input: setup.stdout! }).on('line', (line) => {
      const [word, tier, pid] = line.split(' ');
      if (word === 'machine' && tier && pid) pids.set(tier, pid);
      if (line === 'ready') resolve('ready');
    });
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (setup.pid === undefined || setup.exitCode !== null || setup.signalCode !== null) return resolve();
      setup.once('exit', () => resolve());
      process.kill(-setup.pid!, 'SIGKILL');
    });
  if (outcome !== 'ready') {
    await close();
    return outcome;
  }
  return {
    kind: 'namespaces',
    address: Object.fromEntries(tiers.map((tier, i) => [tier, `${SUBNET}.${i + 1}`])),
    spawn: (tier, line, cwd, env) =>
      spawn(
        'nsenter',
        ['-t', pids.get(tier)!, '-n', '-U', '--preserve-credentials', 'sh', '-c', `exec ${line}`],
        { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    close,
  };
}

function loopback(tiers: readonly string[]): TierMachines {
  const address = Object.fromEntries(tiers.map((tier, i) => [tier, `127.0.0.${i + 1}`]));
  return {
    kind: 'loopback',
    address,
    spawn: (tier, line, cwd, env) =>
      spawn('sh', ['-c', `exec ${line.replace(' --host 0.0.0.0', ` --host ${address[tier]!}`)}`], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    close: async () => {},
  };
}

/** One machine per tier, namespaces where they can be made (see the file's comment). */
export async function makeTierMachines(tiers: readonly string[]): Promise<TierMachines> {
  const made = await namespaces(tiers);
  if (typeof made !== 'string') return made;
  process.stderr.write(`bundle-machines: no network namespaces here (${made}); using loopback addresses.\n`);
  return loopback(tiers);
}
