/**
 * The HTTP API: `POST /api/<method>` with a JSON body `{"args": [...]}` answers the method's
 * result as JSON; `POST /api/openBytes?name=<file name>` takes the model as an
 * application/octet-stream body; `GET /api/events` is the server-sent event stream. Every
 * argument list is checked by app/shared/studio-validate.ts; a bad request gets 400 and
 * `{ok:false, error:{code:'BAD_REQUEST', message}}`, and the server carries on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_PROJECT_TEXT_BYTES, type StudioMethod } from '../../shared/studio-api.js';
import { isStudioMethod, parseStudioArgs, type StudioArgs } from '../../shared/studio-validate.js';
import { studioError } from '../host-errors.js';
import type { StudioHost } from '../studio-host.js';
import type { EventHub } from './event-stream.js';
import {
  BodyBudgetExhaustedError,
  BodyTooLargeError,
  readJsonBody,
  receiveBody,
  type BodyBudget,
  type GrowingBody,
} from './request-body.js';
import { refuse, sendError, sendJson } from './responses.js';
import { WEB_METHODS, type MethodContext } from './web-methods.js';

/**
 * JSON requests are small but for a project's or topology's text (at most MAX_PROJECT_TEXT_BYTES,
 * and JSON escapes can lengthen it) and a project's placement map.
 */
export const MAX_JSON_BODY_BYTES = 2 * MAX_PROJECT_TEXT_BYTES;

export interface ApiContext {
  readonly host: StudioHost;
  readonly configDir: string;
  readonly events: EventHub;
  readonly maxUploadBytes: number;
  /** What the bodies in flight may hold together (request-body.ts); uploads are most of it. */
  readonly bodyBudget: BodyBudget;
}

const megabytes = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

export async function handleApi(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: ApiContext,
): Promise<void> {
  const name = url.pathname.slice('/api/'.length);
  if (name === 'events') {
    if (request.method !== 'GET') return refuse(response, 405);
    return context.events.attach(response);
  }
  if (!isStudioMethod(name)) {
    return sendError(response, 404, studioError('NOT_FOUND', `There is no API method called "${name}".`));
  }
  if (request.method !== 'POST') return refuse(response, 405);

  const expectedType = name === 'openBytes' ? 'application/octet-stream' : 'application/json';
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== expectedType) {
    return sendError(response, 415, studioError('BAD_REQUEST', `${name} takes a ${expectedType} body.`));
  }

  let args: unknown;
  // An upload's bytes hold their share of the budget until the open is over (the host copies them).
  let upload: GrowingBody | undefined;
  try {
    if (name === 'openBytes') {
      const fileName = url.searchParams.get('name');
      if (fileName === null) throw new Error('the query parameter "name" (the file name) is missing');
      upload = await receiveBody(request, context.maxUploadBytes, context.bodyBudget);
      args = [fileName, upload.bytes()];
    } else args = await readArgs(request, context.bodyBudget);
  } catch (error) {
    // What is left of an unread body is not drained: the connection closes after the answer.
    if (!request.complete) response.setHeader('Connection', 'close');
    if (error instanceof BodyTooLargeError) {
      return sendError(
        response,
        413,
        studioError(
          'BAD_REQUEST',
          `The request is larger than the host accepts (${megabytes(error.limitBytes)}).`,
        ),
      );
    }
    if (error instanceof BodyBudgetExhaustedError) {
      return sendError(
        response,
        503,
        studioError(
          'BUSY',
          `Other uploads in progress fill what the host receives at once (${megabytes(error.budgetBytes)}); try again when they have finished.`,
        ),
      );
    }
    return sendError(response, 400, studioError('BAD_REQUEST', `${name}: ${(error as Error).message}`));
  }
  try {
    await answer(name, args, response, context);
  } finally {
    upload?.release();
  }
}

async function answer(
  name: StudioMethod,
  args: unknown,
  response: ServerResponse,
  context: ApiContext,
): Promise<void> {
  const checked = parseStudioArgs(name, args);
  if (!checked.ok) return sendError(response, 400, studioError('BAD_REQUEST', checked.message));

  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  const result = await call(name, checked.args, {
    host: context.host,
    configDir: context.configDir,
    signal: abort.signal,
  });
  if (!response.destroyed) sendJson(response, 200, result ?? null);
}

function call<M extends StudioMethod>(
  method: M,
  args: StudioArgs<M>,
  context: MethodContext,
): Promise<unknown> {
  return WEB_METHODS[method](args, context);
}

async function readArgs(request: IncomingMessage, budget: BodyBudget): Promise<unknown> {
  let body: unknown;
  try {
    body = await readJsonBody(request, MAX_JSON_BODY_BYTES, budget);
  } catch (error) {
    if (error instanceof BodyTooLargeError || error instanceof BodyBudgetExhaustedError) throw error;
    throw new Error(`the body is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (body === undefined) return [];
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('args' in body)) {
    throw new Error('the body must be a JSON object {"args": [...]}');
  }
  return body.args;
}
