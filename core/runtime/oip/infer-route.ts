/**
 * `POST /v2/models/{name}/infer`: read the body (bounded), decode it, check it against the model's
 * declaration, wait for a free slot, run the model, encode what was asked for, and report where
 * the time went in `parameters.cutline_timings`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { readBody, type MinReceiveRate } from '../read-body.js';
import type { Slots } from '../slots.js';
import type { BodyBudget, BodyReservation } from './body-budget.js';
import {
  assembleInferResponse,
  binaryOutputs,
  decodeInferRequest,
  encodeTensors,
  INFERENCE_HEADER_CONTENT_LENGTH,
  parseHeaderLength,
} from './codec.js';
import { OipError, TierError, UNREACHABLE_STATUS } from './errors.js';
import { CutlineError } from '../../errors.js';
import { LINE_LIMIT, oneLine, quoteName } from '../../text/quote-name.js';
import { checkAgainstMetadata, modelForRequest, type TierModel } from './model.js';
import { inflateBody, requestCoding, responseCoding } from './content-encoding.js';
import { sendBodyIn } from './respond.js';
import type { OipTensor } from './tensor.js';

/** Where a request's time went on the tier, ms; sent as `parameters.cutline_timings`. */
export interface ServerTimings {
  /** From the request's headers to the last byte of its body (network and sender included). */
  readonly receive_ms: number;
  /** Parsing and validating the body into tensors. */
  readonly decode_ms: number;
  /** Waiting for the model to be free (other requests ahead). */
  readonly queue_ms: number;
  /** The model's `infer`. */
  readonly compute_ms: number;
  /** Encoding the outputs (the response's JSON object itself is written after this is known). */
  readonly encode_ms: number;
}

export interface InferRouteContext {
  readonly modelName: string;
  readonly model: TierModel;
  readonly slots: Slots;
  readonly maxRequestBytes: number;
  /** Shared by all requests: bytes their bodies may hold at once. */
  readonly bodyBudget: BodyBudget;
  /** The least rate a body must keep arriving at, measured per window (see `MinReceiveRate`). */
  readonly minBodyRate: Omit<MinReceiveRate, 'tooSlow'>;
  /** `performance.now()` when the request's headers arrived. */
  readonly receivedAt: number;
}

export async function handleInfer(
  req: IncomingMessage,
  res: ServerResponse,
  context: InferRouteContext,
): Promise<void> {
  // The body's bytes are held from its headers until the answer: decoded tensors are views of it.
  // Counted per remote address, so one peer's many connections cannot hold the whole budget.
  const reservation = context.bodyBudget.open(req.socket.remoteAddress ?? 'unknown');
  // A client that hangs up (a timed-out peer) no longer wants the answer: its turn is not run.
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort(clientGone());
  };
  res.once('close', onClose);
  try {
    await inferOnce(req, res, context, reservation, gone.signal);
  } finally {
    res.off('close', onClose);
    reservation.release();
  }
}

async function inferOnce(
  req: IncomingMessage,
  res: ServerResponse,
  context: InferRouteContext,
  reservation: BodyReservation,
  gone: AbortSignal,
): Promise<void> {
  const { modelName, model, maxRequestBytes, bodyBudget, minBodyRate } = context;
  const declared = declaredLength(req);
  if (declared !== null && declared > maxRequestBytes) throw tooLarge(declared, maxRequestBytes);
  const coding = requestCoding(req.headers['content-encoding']);
  const headerLength = parseHeaderLength(
    req.headers[INFERENCE_HEADER_CONTENT_LENGTH],
    coding === null ? declared : null,
  );
  // A compressed body's Content-Length counts compressed bytes: the inflated size is unknown until
  // its end, so the limit, the budget and the rate all apply to the inflated bytes as they come.
  const inflated = coding === null ? null : inflateBody(req, coding, maxRequestBytes);
  const body = await readBody(inflated?.stream ?? req, {
    maxBytes: maxRequestBytes,
    declaredBytes: inflated ? null : declared,
    alignFrom: headerLength ?? 0,
    tooLarge: (received) => tooLarge(received, maxRequestBytes, 'at least ', inflated ? 'inflates to' : 'is'),
    broken: (reason) => new OipError(`The request body broke off: ${reason}.`),
    ...(inflated ? { failed: (error: Error) => inflated.explain(error) } : {}),
    budget: {
      grow: (bytes) => reservation.grow(bytes),
      exhausted: () =>
        new OipError(
          reservation.refusedBy === 'client'
            ? `This tier is busy with your requests: bodies being received from ${req.socket.remoteAddress ?? 'your address'} already hold ${bodyBudget.heldBy(req.socket.remoteAddress ?? 'unknown')} of the ${bodyBudget.clientLimitBytes} bytes one client may hold at once; retry shortly or send fewer requests at once.`
            : `This tier is busy: request bodies being received already hold ${bodyBudget.heldBytes} of the ${bodyBudget.limitBytes} bytes it allows at once; retry shortly.`,
          503,
        ),
    },
    minRate: {
      ...minBodyRate,
      tooSlow: (received) =>
        new OipError(
          `The request body arrived too slowly: ${received} of ${declared ?? 'an undeclared number of'} bytes, less than ${minBodyRate.bytesPerS} bytes/s over the last ${minBodyRate.windowMs} ms; send it without pauses.`,
          408,
        ),
    },
  }).catch((error: unknown) => {
    inflated?.stop();
    throw error;
  });
  const bodyAt = performance.now();

  let request;
  try {
    request = decodeInferRequest(body, headerLength);
  } catch (error) {
    // JSON nested deep enough to exhaust the stack is a malformed request, not a server fault.
    if (error instanceof RangeError) {
      throw new OipError('The infer request is nested too deeply to be a tensor request.', 400, {
        cause: error,
      });
    }
    throw error;
  }
  const requested = request.outputs?.map((o) => o.name) ?? null;
  // A relay step (Cutline's extension) is checked and run as the relay model; any other request
  // as the plain OIP model it names.
  const served = modelForRequest(model, request.parameters);
  const inputs = checkAgainstMetadata(modelName, served, request.inputs, requested);
  const wantsBinary = binaryOutputs(request);
  const decodedAt = performance.now();

  if (req.socket.destroyed) throw clientGone();
  const release = await context.slots.acquire(gone);
  if (!release) {
    throw new OipError(
      `Model ${quoteName(modelName)} is busy: ${context.slots.waiting} requests are already waiting for it; retry shortly.`,
      503,
    );
  }
  if (gone.aborted || req.socket.destroyed) {
    // The slot came as the client left: pass it on rather than run for nobody.
    release();
    throw clientGone();
  }
  const startedAt = performance.now();
  let result;
  try {
    result = await served.infer(inputs, request.parameters ?? {}, {
      id: request.id,
      requestedOutputs: requested,
    });
  } catch (cause) {
    throw inferFailure(modelName, cause);
  } finally {
    release();
  }
  const computedAt = performance.now();

  const outputs = pickOutputs(modelName, result.outputs, requested);
  const encoded = encodeTensors(outputs, wantsBinary);
  const encodedAt = performance.now();

  const timings: ServerTimings = {
    receive_ms: round(bodyAt - context.receivedAt),
    decode_ms: round(decodedAt - bodyAt),
    queue_ms: round(startedAt - decodedAt),
    compute_ms: round(computedAt - startedAt),
    encode_ms: round(encodedAt - computedAt),
  };
  const head = {
    modelName,
    ...(model.version !== undefined ? { modelVersion: model.version } : {}),
    ...(request.id !== undefined ? { id: request.id } : {}),
    parameters: { ...result.parameters, cutline_timings: { ...timings } },
  };
  const answer = assembleInferResponse(head, encoded);
  await sendBodyIn(res, 200, answer, responseCoding(req.headers['accept-encoding']));
}

/** The Content-Length header as a number, or null when the body is chunked. */
export function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers['content-length'];
  return value === undefined ? null : Number(value);
}

/**
 * Status for a request whose client closed the connection before its answer (nginx's 499): never
 * seen by that client, counted in the server's error stats.
 */
export const CLIENT_GONE_STATUS = 499;

function clientGone(): OipError {
  return new OipError(
    'The client closed its connection before the inference ran, so it was not run.',
    CLIENT_GONE_STATUS,
  );
}

function tooLarge(bytes: number, limit: number, prefix = '', verb = 'is'): OipError {
  return new OipError(
    `The request body ${verb} ${prefix}${bytes} bytes; this tier accepts at most ${limit}. Send smaller tensors or raise the tier's request limit.`,
    413,
  );
}

/** The outputs the request asked for, in its order (all the model made when it asked for none). */
function pickOutputs(
  modelName: string,
  outputs: readonly OipTensor[],
  requested: readonly string[] | null,
): readonly OipTensor[] {
  if (requested === null) return outputs;
  const byName = new Map(outputs.map((t) => [t.name, t]));
  return requested.map((name) => {
    const tensor = byName.get(name);
    if (!tensor)
      throw new OipError(
        `Model ${quoteName(modelName)} did not produce the requested output ${quoteName(name)}.`,
        500,
      );
    return tensor;
  });
}

const BUSY_STATUS = 503;

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The answer for a model that threw: a status the model chose (an OipError) passes through; a
 * tier above that failed or could not be reached is a gateway error (502), its sentence kept, but
 * one that was busy (503) stays 503 so the first client knows a retry may succeed; anything else
 * is the model's own failure (500).
 */
function inferFailure(modelName: string, cause: unknown): OipError {
  if (cause instanceof OipError) return cause;
  // A model's own error (onnxruntime's names its nodes) and a relayed tier's are text from elsewhere.
  const reason = oneLine(cause instanceof Error ? cause.message : String(cause), LINE_LIMIT);
  if (cause instanceof TierError) {
    // Relayed: keep the tier above's status class, so "unreachable" stays recognisable below.
    const kept = cause.status === UNREACHABLE_STATUS || cause.status === BUSY_STATUS;
    return new OipError(reason, kept ? cause.status : 502, { cause });
  }
  if (cause instanceof CutlineError && cause.code === 'TIER_UNREACHABLE') {
    return new OipError(reason, UNREACHABLE_STATUS, { cause });
  }
  return new OipError(`Model ${quoteName(modelName)} failed: ${reason}`, 500, { cause });
}
