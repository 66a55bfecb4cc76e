/**
 * A StudioApi for pages served by the local web host (app/host/web/): requests go to
 * `POST /api/<method>` with the launch token in the `X-Cutline-Token` header; progress, job
 * events and host commands arrive on the `GET /api/events` server-sent event stream, read with
 * fetch (not EventSource, which cannot send headers). Uses only fetch and web streams, so it runs in the
 * browser and in Node (the tests).
 *
 *     const api = createWebStudioClient({ baseUrl: location.origin, token: tokenFromPage(document) });
 */
import type {
  HostCommand,
  JobEvent,
  JobStartResult,
  OpenResult,
  ProgressEvent,
  ProjectOpenResult,
  SaveResult,
  OrtProfileResult,
  TopologyResult,
  StudioApi,
  StudioError,
  StudioMethod,
  Unsubscribe,
} from './studio-api.js';

export const TOKEN_HEADER = 'X-Cutline-Token';
export const TOKEN_META_NAME = 'cutline-token';

/** Wait before reconnecting a dropped event stream. */
const RECONNECT_DELAY_MS = 1000;

export interface WebClientOptions {
  /** The web host's origin, e.g. `location.origin` or `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly token: string;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface WebStudioClient extends StudioApi {
  /** Resolves once the event stream is live; starting an open after it means no progress is missed. */
  eventsConnected(): Promise<void>;
  /** Closes the event stream. */
  close(): void;
  /**
   * The page is going away (reload, tab closed): closes the sessions it ran jobs on, so their
   * exports, harness runs and calibrations stop instead of running on with no page to show them.
   * Sent with `keepalive`, so the requests outlive the page.
   */
  leave(): void;
}

/** The token the web host wrote into the page (`<meta name="cutline-token" content="…">`). */
export function tokenFromPage(page: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}): string {
  const token = page.querySelector(`meta[name="${TOKEN_META_NAME}"]`)?.getAttribute('content');
  if (!token)
    throw new Error('This page was not served by the Cutline web host (no cutline-token meta tag).');
  return token;
}

/** A request the host refused or could not answer, for methods whose results have no error case. */
export class StudioRequestError extends Error {
  override readonly name = 'StudioRequestError';
  constructor(readonly error: StudioError) {
    super(error.message);
  }
}

export function createWebStudioClient(options: WebClientOptions): WebStudioClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const events = createEventReader(base, options.token, fetchFn);

  async function post(
    method: StudioMethod,
    body: string | Uint8Array<ArrayBuffer>,
    contentType: string,
    query = '',
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchFn(`${base}/api/${method}${query}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, [TOKEN_HEADER]: options.token },
        body,
      });
    } catch (cause) {
      throw new StudioRequestError({
        code: 'HOST_UNREACHABLE',
        message: `The studio host did not answer (${(cause as Error).message}). Is it still running?`,
      });
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.ok) return answer;
    throw new StudioRequestError(
      isFailure(answer)
        ? answer.error
        : {
            code: `HTTP_${response.status}`,
            message: `The studio host refused the request (HTTP ${response.status}).`,
          },
    );
  }

  const request = (method: StudioMethod, args: readonly unknown[] = []): Promise<unknown> =>
    post(method, JSON.stringify({ args }), 'application/json');

  /** Sessions this page started jobs on and has not closed: `leave` closes them. */
  const jobSessions = new Set<string>();
  const leave = (): void => {
    for (const sessionId of jobSessions) {
      void fetchFn(`${base}/api/closeSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: options.token },
        body: JSON.stringify({ args: [sessionId] }),
        keepalive: true,
      }).catch(() => undefined);
    }
    jobSessions.clear();
  };

  /** Methods whose result has an error case report transport failures through it too. */
  const withFailure = async <
    T extends
      | OpenResult
      | SaveResult
      | ProjectOpenResult
      | TopologyResult
      | OrtProfileResult
      | JobStartResult
      | Awaited<ReturnType<StudioApi['chooseExportDir']>>
      | null,
  >(
    sent: Promise<unknown>,
  ): Promise<T> => {
    try {
      return (await sent) as T;
    } catch (error) {
      if (error instanceof StudioRequestError) return { ok: false, error: error.error } as T;
      throw error;
    }
  };

  return {
    hostInfo: () => request('hostInfo') as ReturnType<StudioApi['hostInfo']>,
    initialModel: () => withFailure(request('initialModel')),
    openWithDialog: () => withFailure(request('openWithDialog')),
    openRecent: (path) => withFailure(request('openRecent', [path])),
    openBytes: (fileName, bytes) =>
      withFailure(
        post(
          'openBytes',
          bytes as Uint8Array<ArrayBuffer>,
          'application/octet-stream',
          `?name=${encodeURIComponent(fileName)}`,
        ),
      ),
    listSamples: () => request('listSamples') as ReturnType<StudioApi['listSamples']>,
    openSample: (id) => withFailure(request('openSample', [id])),
    listRecent: () => request('listRecent') as ReturnType<StudioApi['listRecent']>,
    saveProject: (project, saveOptions) => withFailure(request('saveProject', [project, saveOptions])),
    cancel: async (jobId) => {
      await request('cancel', [jobId]);
    },
    startJob: (sessionId, jobRequest) => {
      jobSessions.add(sessionId);
      return events.whileStarting(withFailure(request('startJob', [sessionId, jobRequest])));
    },
    cancelJob: async (jobId) => {
      await request('cancelJob', [jobId]);
    },
    closeSession: async (sessionId) => {
      jobSessions.delete(sessionId);
      await request('closeSession', [sessionId]);
    },
    suggestExportDir: (sessionId) =>
      request('suggestExportDir', [sessionId]) as ReturnType<StudioApi['suggestExportDir']>,
    chooseExportDir: (suggested) => withFailure(request('chooseExportDir', [suggested])),
    listTopologies: () => request('listTopologies') as ReturnType<StudioApi['listTopologies']>,
    loadTopology: (id) => withFailure(request('loadTopology', [id])),
    openTopologyWithDialog: () => withFailure(request('openTopologyWithDialog')),
    parseTopology: (fileName, text) => withFailure(request('parseTopology', [fileName, text])),
    listProfiles: () => request('listProfiles') as ReturnType<StudioApi['listProfiles']>,
    parseOrtProfile: (fileName, text) => withFailure(request('parseOrtProfile', [fileName, text])),
    lastTopology: () => withFailure(request('lastTopology')),
    rememberTopology: async (id, topology) => {
      await request('rememberTopology', [id, topology]);
    },
    initialProject: () => withFailure(request('initialProject')),
    openProjectWithDialog: () => withFailure(request('openProjectWithDialog')),
    openProjectText: (fileName, text) => withFailure(request('openProjectText', [fileName, text])),
    openRecentProject: (path) => withFailure(request('openRecentProject', [path])),
    autosave: async (design) => {
      await request('autosave', [design]);
    },
    recovery: () => request('recovery') as ReturnType<StudioApi['recovery']>,
    openRecovery: () => withFailure(request('openRecovery')),
    setDirty: async (dirty) => {
      await request('setDirty', [dirty]);
    },
    onProgress: (listener) => events.subscribe('progress', listener as (value: unknown) => void),
    onCommand: (listener) => events.subscribe('command', listener as (value: unknown) => void),
    onJob: (listener) => events.subscribe('job', listener as (value: unknown) => void),
    eventsConnected: () => events.connected(),
    close: () => events.close(),
    leave,
  };
}

function isFailure(value: unknown): value is { ok: false; error: StudioError } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as StudioError).code === 'string';
}

type EventName = 'progress' | 'command' | 'job';
const EVENT_NAMES: readonly string[] = ['progress', 'command', 'job'] satisfies EventName[];

interface EventReader {
  subscribe(name: EventName, listener: (value: unknown) => void): Unsubscribe;
  /**
   * Holds job events back while `starting` (a startJob request) is in flight, and hands them on
   * only after its answer: the stream and the answer race, and a page must know a job's id
   * before that job's first event reaches it.
   */
  whileStarting<T>(starting: Promise<T>): Promise<T>;
  connected(): Promise<void>;
  close(): void;
}

/**
 * One event stream shared by every subscriber: opened with the first, closed with the last,
 * reconnected after RECONNECT_DELAY_MS when the host drops it.
 */
function createEventReader(base: string, token: string, fetchFn: typeof fetch): EventReader {
  const listeners: Record<EventName, Set<(value: unknown) => void>> = {
    progress: new Set(),
    command: new Set(),
    job: new Set(),
  };
  let starting = 0;
  const heldJobEvents: unknown[] = [];
  let abort: AbortController | undefined;
  let live: { promise: Promise<void>; resolve: () => void; resolved: boolean } | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const wanted = (): boolean => listeners.progress.size + listeners.command.size + listeners.job.size > 0;
  const liveSignal = (): NonNullable<typeof live> => {
    if (!live) {
      let settle = (): void => undefined;
      const promise = new Promise<void>((resolve) => (settle = resolve));
      const signal = { promise, resolved: false, resolve: () => ((signal.resolved = true), settle()) };
      live = signal;
    }
    return live;
  };
  /** After a drop, later waits are for the next connection; earlier unresolved waits carry over. */
  const forgetConnection = (): void => {
    if (live?.resolved) live = undefined;
  };

  const dispatch = (frame: string): void => {
    let name = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (!EVENT_NAMES.includes(name) || data.length === 0) return;
    const value: unknown = JSON.parse(data.join('\n'));
    if (name === 'job' && starting > 0) heldJobEvents.push(value);
    else deliver(name as EventName, value);
  };

  function deliver(name: EventName, value: unknown): void {
    for (const listener of listeners[name]) {
      try {
        listener(value as ProgressEvent | HostCommand | JobEvent);
      } catch (error) {
        // One broken subscriber must not stop the stream for the others.
        console.error(error);
      }
    }
  }

  async function read(controller: AbortController): Promise<void> {
    const response = await fetchFn(`${base}/api/events`, {
      headers: { [TOKEN_HEADER]: token, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`event stream refused (HTTP ${response.status})`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (frame.startsWith(':')) liveSignal().resolve();
        else dispatch(frame);
      }
    }
  }

  const open = (): void => {
    if (abort || !wanted()) return;
    const controller = new AbortController();
    abort = controller;
    read(controller)
      .catch(() => undefined)
      .finally(() => {
        if (abort !== controller) return;
        abort = undefined;
        forgetConnection();
        if (wanted()) retry = setTimeout(open, RECONNECT_DELAY_MS);
      });
  };

  const stop = (): void => {
    clearTimeout(retry);
    const controller = abort;
    abort = undefined;
    forgetConnection();
    controller?.abort();
  };

  return {
    async whileStarting(request) {
      starting++;
      try {
        return await request;
      } finally {
        // After the caller's own continuation has seen the answer (a later task, not a microtask).
        setTimeout(() => {
          starting--;
          if (starting === 0) for (const value of heldJobEvents.splice(0)) deliver('job', value);
        }, 0);
      }
    },
    subscribe(name, listener) {
      listeners[name].add(listener);
      open();
      return () => {
        listeners[name].delete(listener);
        if (!wanted()) stop();
      };
    },
    connected() {
      if (!wanted()) return Promise.reject(new Error('Subscribe to progress, commands or jobs first.'));
      return liveSignal().promise;
    },
    close() {
      listeners.progress.clear();
      listeners.command.clear();
      listeners.job.clear();
      stop();
    },
  };
}
