/**
 * Loopback tensor throughput: a tensor sent as the raw binary body of an HTTP POST on a keep-alive
 * connection (the tier runtime's transport: node:http client and server on 127.0.0.1), against the
 * same bytes copied over a plain TCP socket (node:net, a 4-byte length, one byte of answer), both
 * to a receiver in another process that assembles the tensor in one buffer, as a tier would.
 *
 * Baseline, measured in the same run: the raw socket copy, interleaved with the HTTP runs so that
 * CPU frequency and other load hit both alike.
 *
 * Two ways of sending, both for raw and HTTP: one tensor at a time (each waits for the previous
 * answer: a latency-bound figure, dominated at small sizes by the fixed cost per message), and
 * with IN_FLIGHT tensors in flight on as many connections, as the device's runtime streams a
 * sequence of inputs: the throughput a tier gets.
 *
 * Target (issue 5): HTTP throughput ≥ 50% of the raw socket's, checked on the streamed rows.
 * `TargetCheck` reads `value ≤ limit`, so the check is the inverse ratio: raw / HTTP ≤ 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseOutcome } from '../child-protocol.js';
import { RAW_HEADER_BYTES, type LoopbackPorts } from '../loopback-protocol.js';
import { median } from '../measurement.js';
import type { BenchContext, BenchSection, Column, SectionReport, SectionRow } from '../section.js';
import { verdict } from '../table.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const SIZES = [64 * KIB, MIB, 16 * MIB, 64 * MIB] as const;
/** Raw / HTTP throughput ≤ 2, i.e. HTTP reaches at least half the raw socket's. */
export const RAW_TO_HTTP_LIMIT = 2;
/** Each timed run moves at least this much (and at least 3 tensors), so 64 KiB runs are not all noise. */
const BYTES_PER_RUN = 256 * MIB;
const MIN_RUNS = 5;
/** Tensors in flight when streaming (the harness streams with twice the tiers: 6 for three). */
export const IN_FLIGHT = 4;

const COLUMNS: readonly Column[] = [
  { key: 'size', title: 'tensor', align: 'left' },
  { key: 'mode', title: 'sending', align: 'left' },
  { key: 'perRun', title: 'tensors/run' },
  { key: 'raw', title: 'raw socket MB/s' },
  { key: 'http', title: 'HTTP POST MB/s' },
  { key: 'share', title: 'HTTP/raw' },
  { key: 'ratio', title: `raw/HTTP (≤${RAW_TO_HTTP_LIMIT})` },
];

interface Receiver {
  readonly ports: LoopbackPorts;
  stop(): void;
}

/** Starts `loopback-receiver.ts` in a fresh Node process and waits for its ports. */
function startReceiver(): Promise<Receiver> {
  const entry = fileURLToPath(new URL('../loopback-receiver.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = (): void => void child.stdin?.end();
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the loopback receiver exited with code ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const outcome = parseOutcome<LoopbackPorts>(stdout);
      if (outcome === undefined) return;
      if (outcome.ok) resolve({ ports: outcome.value, stop });
      else reject(new Error(outcome.error));
    });
  });
}

/** Sends tensors as HTTP POST bodies over one kept-alive connection. */
class HttpSender {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  /** Requests that found the connection already open: all but the first, if keep-alive works. */
  reused = 0;

  constructor(private readonly port: number) {}

  send(payload: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: { 'content-type': 'application/octet-stream', 'content-length': payload.length },
        },
        (response) => {
          let answer = '';
          response.setEncoding('utf8').on('data', (text: string) => (answer += text));
          response.on('end', () =>
            answer === String(payload.length)
              ? resolve()
              : reject(new Error(`HTTP receiver took ${answer} bytes of ${payload.length}`)),
          );
        },
      );
      request.on('socket', () => {
        if (request.reusedSocket) this.reused += 1;
      });
      request.on('error', reject);
      request.setNoDelay(true);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Sends tensors over one plain TCP connection: a 4-byte length, the bytes, then waits for the ack. */
class RawSender {
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', () => this.waiting?.());
  }

  static async open(port: number): Promise<RawSender> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSender(socket);
  }

  send(payload: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      const header = Buffer.alloc(RAW_HEADER_BYTES);
      header.writeUInt32LE(payload.length, 0);
      this.socket.write(header);
      this.socket.write(payload);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

type Send = (payload: Buffer) => Promise<void>;

/**
 * MB/s (10⁶ bytes per second) of `count` sends of `payload`: by as many workers as `senders`
 * (one connection each), each sending its next tensor when its last one is answered.
 */
async function throughput(senders: readonly Send[], payload: Buffer, count: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    senders.map(async (send) => {
      while (next < count) {
        next++;
        await send(payload);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return (payload.length * count) / seconds / 1e6;
}

function sizeLabel(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / KIB} KiB`;
}

async function measureSize(
  bytes: number,
  inFlight: number,
  runs: number,
  raws: readonly RawSender[],
  httpSender: HttpSender,
  context: BenchContext,
): Promise<SectionRow> {
  const payload = Buffer.alloc(bytes, 7);
  const perRun = Math.max(3 * inFlight, Math.ceil(BYTES_PER_RUN / bytes));
  const rawSend: Send[] = raws.slice(0, inFlight).map((raw) => (p) => raw.send(p));
  const httpSend: Send[] = Array.from({ length: inFlight }, () => (p: Buffer) => httpSender.send(p));
  await throughput(rawSend, payload, perRun); // warm-up (JIT, socket buffers)
  await throughput(httpSend, payload, perRun);
  const rawMBps: number[] = [];
  const httpMBps: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so neither always inherits the other's garbage.
    if (run % 2 === 0) {
      rawMBps.push(await throughput(rawSend, payload, perRun));
      httpMBps.push(await throughput(httpSend, payload, perRun));
    } else {
      httpMBps.push(await throughput(httpSend, payload, perRun));
      rawMBps.push(await throughput(rawSend, payload, perRun));
    }
  }
  const rawMedian = median(rawMBps);
  const httpMedian = median(httpMBps);
  const ratio = rawMedian / httpMedian;
  const streamed = inFlight > 1;
  const mode = streamed ? `${inFlight} in flight` : 'one at a time';
  const label = `${sizeLabel(bytes)}, ${mode}`;
  context.log(`  ${label}: raw ${rawMedian.toFixed(0)} MB/s, HTTP ${httpMedian.toFixed(0)} MB/s`);
  return {
    cells: {
      size: sizeLabel(bytes),
      mode,
      perRun: String(perRun),
      raw: rawMedian.toFixed(0),
      http: httpMedian.toFixed(0),
      share: `${((httpMedian / rawMedian) * 100).toFixed(0)}%`,
      ratio: streamed ? verdict(ratio, RAW_TO_HTTP_LIMIT) : `${ratio.toFixed(2)} (latency-bound)`,
    },
    figures: {
      bytes,
      inFlight,
      tensorsPerRun: perRun,
      rawMBps,
      httpMBps,
      rawMedian,
      httpMedian,
      rawToHttp: ratio,
    },
    checks: streamed
      ? [
          {
            label: `loopback ${label}: raw socket / HTTP POST throughput`,
            value: ratio,
            limit: RAW_TO_HTTP_LIMIT,
          },
        ]
      : [],
    errors: [],
  };
}

export const loopbackSection: BenchSection = {
  name: 'loopback',
  title:
    'Loopback tensor throughput: HTTP POST on a keep-alive connection against a raw socket copy (medians)',
  async run(context): Promise<SectionReport> {
    const runs = Math.max(context.runs, MIN_RUNS);
    const receiver = await startReceiver();
    const raws = await Promise.all(
      Array.from({ length: IN_FLIGHT }, () => RawSender.open(receiver.ports.rawPort)),
    );
    const httpSender = new HttpSender(receiver.ports.httpPort);
    const rows: SectionRow[] = [];
    try {
      for (const bytes of SIZES) {
        for (const inFlight of [1, IN_FLIGHT]) {
          try {
            rows.push(await measureSize(bytes, inFlight, runs, raws, httpSender, context));
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            rows.push({
              cells: { size: sizeLabel(bytes) },
              figures: { bytes, inFlight },
              checks: [],
              errors: [message],
            });
          }
        }
      }
    } finally {
      for (const raw of raws) raw.close();
      httpSender.close();
      receiver.stop();
    }
    return {
      columns: COLUMNS,
      rows,
      notes: [
        `Median of ${runs} runs per row, each moving max(3 × in flight, 256 MiB / size) tensors, after one untimed run.`,
        'HTTP: node:http client (keep-alive agent) posting the tensor as an application/octet-stream body;',
        'raw: node:net write of a 4-byte length and the bytes. Both wait for the receiver (another process) to answer',
        `once it holds the whole tensor in one buffer. ${httpSender.reused} HTTP requests reused a kept-alive connection.`,
        `One at a time: each tensor waits for the last one's answer (latency-bound: at 64 KiB the fixed cost of an HTTP`,
        `exchange, about 0.1 ms here, weighs as much as the copy). ${IN_FLIGHT} in flight: as many connections, each sending its`,
        'next tensor on its last answer, as the device streams inputs through the tiers: the throughput a tier gets.',
        'MB/s = 10⁶ bytes per second. Target: HTTP ≥ 50% of raw when streaming, checked as raw/HTTP ≤ 2.',
      ],
    };
  },
};
