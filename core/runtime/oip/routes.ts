/**
 * The OIP REST routes a tier serves, matched from a request's method and path, and the model a
 * model route names (with its version), each failure an OipError with the status to answer.
 */
import { quoteName, quoteNames } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import type { TierModel } from './model.js';

export type Route =
  { readonly kind: 'live' } | { readonly kind: 'ready' } | { readonly kind: 'server-metadata' } | ModelRoute;
export interface ModelRoute {
  readonly kind: 'model-metadata' | 'model-config' | 'model-ready' | 'infer';
  readonly model: string;
  readonly version: string | null;
}

/**
 * The model a route names, at the version it asks for (a model without one is version 1).
 *
 * @throws OipError 404 for a model the tier does not serve or a version it does not have.
 */
export function findModel(
  models: ReadonlyMap<string, TierModel>,
  name: string,
  version: string | null,
): TierModel {
  const model = models.get(name);
  if (!model) {
    // Entries that exist only for the relay are not models a client may call: not listed.
    const listed = [...models].filter(([, m]) => m.relayOnly === undefined).map(([n]) => n);
    throw new OipError(`This tier serves no model ${quoteName(name)}; it serves ${quoteNames(listed)}.`, 404);
  }
  if (version !== null && version !== (model.version ?? '1')) {
    throw new OipError(
      `Model ${quoteName(name)} has no version ${quoteName(version)}; it has version ${quoteName(model.version ?? '1')}.`,
      404,
    );
  }
  return model;
}

/**
 * The OIP REST paths: `/v2`, `/v2/health/{live,ready}`, `/v2/models/{name}[/versions/{v}]`
 * followed by nothing (metadata), `/ready`, `/config` (Triton's model configuration) or `/infer`.
 *
 * @throws OipError 404 for other paths, 405 for the wrong method.
 */
export function matchRoute(method: string, url: string): Route {
  let parts: string[];
  try {
    parts = new URL(url, 'http://tier').pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch (cause) {
    throw new OipError(`The path ${quoteName(url)} is not a valid URL path.`, 400, { cause });
  }
  const route = routeOf(parts);
  if (!route) throw new OipError(`No Open Inference Protocol route is at ${method} ${quoteName(url)}.`, 404);
  const wanted = route.kind === 'infer' ? 'POST' : 'GET';
  if (method !== wanted) throw new OipError(`${quoteName(url)} takes ${wanted}, not ${method}.`, 405);
  return route;
}

function routeOf(parts: readonly string[]): Route | null {
  if (parts[0] !== 'v2') return null;
  if (parts.length === 1) return { kind: 'server-metadata' };
  if (parts[1] === 'health' && parts.length === 3) {
    if (parts[2] === 'live') return { kind: 'live' };
    if (parts[2] === 'ready') return { kind: 'ready' };
    return null;
  }
  if (parts[1] !== 'models' || parts.length < 3) return null;
  const model = parts[2]!;
  let rest = parts.slice(3);
  let version: string | null = null;
  if (rest[0] === 'versions' && rest.length >= 2) {
    version = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0) return { kind: 'model-metadata', model, version };
  if (rest.length === 1 && rest[0] === 'ready') return { kind: 'model-ready', model, version };
  if (rest.length === 1 && rest[0] === 'config') return { kind: 'model-config', model, version };
  if (rest.length === 1 && rest[0] === 'infer') return { kind: 'infer', model, version };
  return null;
}
