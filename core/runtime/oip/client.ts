/**
 * A client for a tier's Open Inference Protocol server: binary tensor extension by default, one
 * kept-alive connection pool per client, and failures a user can act on: a tier that cannot be
 * reached, resets the connection or does not answer in time is `TIER_UNREACHABLE` naming its URL;
 * an OIP error answer is a `TierError` carrying the status and the tier's own sentence.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { CutlineError, isCutlineError } from '../../errors.js';
import { readBody } from '../read-body.js';
import {
  decodeInferResponse,
  encodeInferRequest,
  INFERENCE_HEADER_CONTENT_LENGTH,
  parseHeaderLength,
  type EncodedBody,
  type InferRequest,
  type OipParameters,
} from './codec.js';
import { TierError } from './errors.js';
import type { OipTensor } from './tensor.js';
import { tlsFailure } from './tls.js';

export interface TierClientOptions {
  /** `http://host:port` of the tier (a path prefix is kept). */
  readonly baseUrl: string;
  readonly token: string;
  /** Longest wait for a whole exchange (connect, send, answer), ms. Default 30 s. */
  readonly timeoutMs?: number;
  /** Send inputs and ask for outputs as binary tensor data. Default true. */
  readonly binary?: boolean;
  /** Connections kept to the tier at most. Default 16. */
  readonly maxSockets?: number;
  /** Largest response body accepted, bytes. Default 1 GiB. */
  readonly maxResponseBytes?: number;
  /** For an https:// tier: the CAs to trust (see tls.ts `trustedCas`); Node's built-in ones when absent. */
  readonly ca?: readonly string[];
}

export interface InferOptions {
  readonly parameters?: OipParameters;
  /** Outputs to return, by name; all of the model's when absent. */
  readonly outputs?: readonly string[];
  readonly id?: string;
  /** Overrides the client's `binary` for this request. */
  readonly binary?: boolean;
}

/** The tier's `parameters.cutline_timings`, ms. */
export interface ServerTimingsMs {
  readonly receiveMs: number;
  readonly decodeMs: number;
  readonly queueMs: number;
  readonly computeMs: number;
  readonly encodeMs: number;
}

export interface ClientTimings {
  /** Encoding the request body, ms. */
  readonly encodeMs: number;
  /** From sending the request to the last byte of the answer, ms (network, queue and compute). */
  readonly exchangeMs: number;
  /** Decoding the answer into tensors, ms. */
  readonly decodeMs: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** What the tier reported, or null when it reported nothing (a server other than Cutline's). */
  readonly server: ServerTimingsMs | null;
}

export interface TierInferResult {
  readonly modelName: string;
  readonly id: string | undefined;
  readonly outputs: readonly OipTensor[];
  readonly parameters: OipParameters;
  readonly timings: ClientTimings;
}

export interface TierModelMetadata {
  readonly name: string;
  readonly platform?: string;
  readonly versions?: readonly string[];
  readonly inputs: readonly {
    readonly name: string;
    readonly datatype: string;
    readonly shape: readonly number[];
  }[];
  readonly outputs: readonly {
    readonly name: string;
    readonly datatype: string;
    readonly shape: readonly number[];
  }[];
}

export interface TierClient {
  readonly baseUrl: string;
  infer(model: string, tensors: readonly OipTensor[], options?: InferOptions): Promise<TierInferResult>;
  /** Whether the tier (or one model on it) is ready; false when it answers "not ready". */
  ready(model?: string): Promise<boolean>;
  /** Whether the tier answers its liveness probe (no token needed). */
  live(): Promise<boolean>;
  metadata(model: string): Promise<TierModelMetadata>;
  /** Closes the kept-alive connections. */
  close(): void;
}

interface Answer {
  readonly status: number;
  readonly body: Uint8Array;
  readonly headerLength: number | null;
}

const GIB = 1024 ** 3;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function createTierClient(options: TierClientOptions): TierClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new CutlineError(
      'TIER_UNREACHABLE',
      `The tier URL ${options.baseUrl} must start with http:// or https://.`,
    );
  }
  const baseUrl = base.href.replace(/\/$/, '');
  const transport = base.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    scheduling: 'lifo',
    ...(options.ca && base.protocol === 'https:' ? { ca: [...options.ca] } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxResponseBytes = options.maxResponseBytes ?? GIB;
  const binaryDefault = options.binary ?? true;

  const exchange = (
    method: 'GET' | 'POST',
    path: string,
    body: EncodedBody | null,
    retried = false,
  ): Promise<Answer> =>
    new Promise<Answer>((resolve, reject) => {
      const url = new URL(path, base);
      const headers: Record<string, string | number> = {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json, application/octet-stream',
      };
      if (body) {
        headers['content-type'] = body.contentType;
        headers['content-length'] = body.byteLength;
        if (body.headerLength !== null) headers[INFERENCE_HEADER_CONTENT_LENGTH] = body.headerLength;
      }
      let settled = false;
      let timedOut = false;
      const settle = (error: Error | null, answer?: Answer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // An answer that came before the whole body was sent (a refusal): stop sending it.
        if (!req.writableFinished) req.destroy();
        if (error) reject(error);
        else resolve(answer!);
      };
      const req = transport.request(url, { method, agent, headers });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
        settle(unreachable(baseUrl, 'timeout', timeoutMs));
      }, timeoutMs);
      req.on('response', (res) => {
        let headerLength: number | null;
        try {
          const declared = res.headers['content-length'];
          headerLength = parseHeaderLength(
            res.headers[INFERENCE_HEADER_CONTENT_LENGTH],
            declared === undefined ? null : Number(declared),
          );
        } catch (error) {
          res.destroy();
          return settle(badAnswer(baseUrl, error));
        }
        const declared = res.headers['content-length'];
        readBody(res, {
          maxBytes: maxResponseBytes,
          declaredBytes: declared === undefined ? null : Number(declared),
          alignFrom: headerLength ?? 0,
          tooLarge: (bytes) =>
            new CutlineError(
              'TIER_ERROR',
              `The tier at ${baseUrl} sent an answer of at least ${bytes} bytes; this client accepts at most ${maxResponseBytes}.`,
            ),
          broken: () => unreachable(baseUrl, timedOut ? 'timeout' : 'ECONNRESET', timeoutMs),
        }).then(
          (bytes) => settle(null, { status: res.statusCode ?? 0, body: bytes, headerLength }),
          (error: Error) => {
            res.destroy();
            settle(error);
          },
        );
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // A kept-alive connection the tier closed just as it was reused: send once more on a new one
        // (Node's documented remedy; the request never reached the model).
        if (!retried && req.reusedSocket && RESET_CODES.has(error.code ?? '')) {
          clearTimeout(timer);
          settled = true;
          exchange(method, path, body, true).then(resolve, reject);
          return;
        }
        settle(unreachable(baseUrl, timedOut ? 'timeout' : (error.code ?? error.message), timeoutMs, error));
      });
      if (body) {
        req.cork();
        for (const chunk of body.chunks) req.write(chunk);
      }
      req.end();
    });

  const getJson = async (path: string): Promise<{ status: number; value: unknown }> => {
    const answer = await exchange('GET', path, null);
    return { status: answer.status, value: parseJson(answer.body) };
  };

  const modelPath = (model: string): string => `v2/models/${encodeURIComponent(model)}`;

  return {
    baseUrl,
    async infer(model, tensors, inferOptions = {}) {
      const binary = inferOptions.binary ?? binaryDefault;
      const startedAt = performance.now();
      const parameters = { ...(binary ? { binary_data_output: true } : {}), ...inferOptions.parameters };
      const request: InferRequest = {
        ...(inferOptions.id !== undefined ? { id: inferOptions.id } : {}),
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
        inputs: tensors,
        ...(inferOptions.outputs ? { outputs: inferOptions.outputs.map((name) => ({ name })) } : {}),
      };
      const body = encodeInferRequest(request, { binary });
      const sentAt = performance.now();
      const answer = await exchange('POST', `${modelPath(model)}/infer`, body);
      const answeredAt = performance.now();
      if (answer.status !== 200) throw statusError(baseUrl, answer);
      let response;
      try {
        response = decodeInferResponse(answer.body, answer.headerLength);
      } catch (error) {
        throw badAnswer(baseUrl, error);
      }
      const decodedAt = performance.now();
      const responseParameters = response.parameters ?? {};
      return {
        modelName: response.modelName,
        id: response.id,
        outputs: response.outputs,
        parameters: responseParameters,
        timings: {
          encodeMs: sentAt - startedAt,
          exchangeMs: answeredAt - sentAt,
          decodeMs: decodedAt - answeredAt,
          requestBytes: body.byteLength,
          responseBytes: answer.body.length,
          server: serverTimings(responseParameters['cutline_timings']),
        },
      };
    },
    async ready(model) {
      const { status, value } = await getJson(
        model === undefined ? 'v2/health/ready' : `${modelPath(model)}/ready`,
      );
      if (status === 200) return !(isObject(value) && value['ready'] === false);
      if (status === 503) return false;
      throw statusError(baseUrl, {
        status,
        body: new TextEncoder().encode(JSON.stringify(value)),
        headerLength: null,
      });
    },
    async live() {
      const { status } = await getJson('v2/health/live');
      return status === 200;
    },
    async metadata(model) {
      const answer = await exchange('GET', modelPath(model), null);
      if (answer.status !== 200) throw statusError(baseUrl, answer);
      return parseJson(answer.body) as TierModelMetadata;
    },
    close() {
      agent.destroy();
    },
  };
}

function unreachable(baseUrl: string, code: string, timeoutMs: number, cause?: unknown): CutlineError {
  const options = cause === undefined ? undefined : { cause };
  if (code === 'timeout') {
    return new CutlineError(
      'TIER_UNREACHABLE',
      `The tier at ${baseUrl} did not answer within ${timeoutMs} ms.`,
      options,
    );
  }
  if (code === 'ECONNREFUSED') {
    return new CutlineError(
      'TIER_UNREACHABLE',
      `The tier at ${baseUrl} refused the connection (ECONNREFUSED). Check that it is running and listening at that address.`,
      options,
    );
  }
  const tls = tlsFailure(baseUrl, code);
  if (tls) return new CutlineError('TIER_UNREACHABLE', tls, options);
  if (RESET_CODES.has(code)) {
    return new CutlineError(
      'TIER_UNREACHABLE',
      `The tier at ${baseUrl} closed the connection before answering (${code}); it may have stopped or restarted.`,
      options,
    );
  }
  return new CutlineError('TIER_UNREACHABLE', `The tier at ${baseUrl} cannot be reached (${code}).`, options);
}

function statusError(baseUrl: string, answer: Answer): TierError {
  const value = parseJson(answer.body);
  const message =
    isObject(value) && typeof value['error'] === 'string'
      ? value['error']
      : new TextDecoder().decode(answer.body.subarray(0, 300)) || '(no message)';
  return new TierError(baseUrl, answer.status, message);
}

function badAnswer(baseUrl: string, error: unknown): CutlineError {
  const reason = isCutlineError(error) || error instanceof Error ? error.message : String(error);
  return new CutlineError(
    'TIER_ERROR',
    `The tier at ${baseUrl} sent an answer that breaks the Open Inference Protocol: ${reason}`,
    { cause: error },
  );
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function serverTimings(value: unknown): ServerTimingsMs | null {
  if (!isObject(value)) return null;
  const ms = (key: string): number => (typeof value[key] === 'number' ? value[key] : Number.NaN);
  return {
    receiveMs: ms('receive_ms'),
    decodeMs: ms('decode_ms'),
    queueMs: ms('queue_ms'),
    computeMs: ms('compute_ms'),
    encodeMs: ms('encode_ms'),
  };
}
