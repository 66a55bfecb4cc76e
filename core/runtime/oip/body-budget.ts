/**
 * A server-wide bound on the bytes that request bodies hold at once. Each request may be as large
 * as the tier's request limit, so without a shared bound N concurrent uploads hold N times that.
 * A request reserves its body's bytes as they arrive and gives them back when it is answered; one
 * that does not fit is refused with a 503 (retry shortly) instead of growing the process. A
 * second, smaller bound per client (its remote address) keeps one peer's many connections from
 * holding the whole budget while the others wait.
 */

/** One request's share of the budget. */
export interface BodyReservation {
  /** Adds `bytes` to this reservation; false, with nothing added, when the budget has fewer left. */
  grow(bytes: number): boolean;
  /** Gives back everything this reservation holds; later calls do nothing. */
  release(): void;
  /** Why the last `grow` was refused: the whole budget, or this client's share of it. */
  readonly refusedBy: 'budget' | 'client' | null;
}

export interface BodyBudget {
  readonly limitBytes: number;
  /** Bytes one client's reservations may hold together. */
  readonly clientLimitBytes: number;
  /** Bytes held by all open reservations. */
  readonly heldBytes: number;
  /** Bytes held by one client's open reservations. */
  heldBy(client: string): number;
  /** A reservation that holds nothing yet, counted against `client`'s share when given. */
  open(client?: string): BodyReservation;
}

/** A budget of `limitBytes`, shared by every reservation opened on it, `clientLimitBytes` per client. */
export function createBodyBudget(limitBytes: number, clientLimitBytes = limitBytes): BodyBudget {
  for (const [name, value] of [
    ['body budget', limitBytes],
    ["client's share of a body budget", clientLimitBytes],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`A ${name} must be a whole number of bytes ≥ 1, not ${value}.`);
  }
  let heldBytes = 0;
  const byClient = new Map<string, number>();
  return {
    limitBytes,
    clientLimitBytes,
    get heldBytes() {
      return heldBytes;
    },
    heldBy: (client) => byClient.get(client) ?? 0,
    open(client) {
      let mine = 0;
      let released = false;
      let refusedBy: BodyReservation['refusedBy'] = null;
      return {
        get refusedBy() {
          return refusedBy;
        },
        grow(bytes) {
          if (released) return false;
          const clientHeld = client === undefined ? 0 : (byClient.get(client) ?? 0);
          if (heldBytes + bytes > limitBytes) refusedBy = 'budget';
          else if (client !== undefined && clientHeld + bytes > clientLimitBytes) refusedBy = 'client';
          else {
            heldBytes += bytes;
            mine += bytes;
            if (client !== undefined) byClient.set(client, clientHeld + bytes);
            return true;
          }
          return false;
        },
        release() {
          if (released) return;
          released = true;
          heldBytes -= mine;
          if (client !== undefined) {
            const left = (byClient.get(client) ?? 0) - mine;
            if (left > 0) byClient.set(client, left);
            else byClient.delete(client);
          }
          mine = 0;
        },
      };
    },
  };
}
