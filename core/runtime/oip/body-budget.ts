/**
 * A server-wide bound on the bytes that request bodies hold at once. Each request may be as large
 * as the tier's request limit, so without a shared bound N concurrent uploads hold N times that
 * (a declared body is allocated when its headers arrive). A request reserves its body's bytes
 * before keeping them and gives them back when it is answered; one that does not fit is refused
 * with a 503 (retry shortly) instead of growing the process.
 */

/** One request's share of the budget. */
export interface BodyReservation {
  /** Adds `bytes` to this reservation; false, with nothing added, when the budget has fewer left. */
  grow(bytes: number): boolean;
  /** Gives back everything this reservation holds; later calls do nothing. */
  release(): void;
}

export interface BodyBudget {
  readonly limitBytes: number;
  /** Bytes held by all open reservations. */
  readonly heldBytes: number;
  /** A reservation that holds nothing yet. */
  open(): BodyReservation;
}

/** A budget of `limitBytes`, shared by every reservation opened on it. */
export function createBodyBudget(limitBytes: number): BodyBudget {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 1)
    throw new Error(`A body budget must be a whole number of bytes ≥ 1, not ${limitBytes}.`);
  let heldBytes = 0;
  return {
    limitBytes,
    get heldBytes() {
      return heldBytes;
    },
    open() {
      let mine = 0;
      let released = false;
      return {
        grow(bytes) {
          if (released || heldBytes + bytes > limitBytes) return false;
          heldBytes += bytes;
          mine += bytes;
          return true;
        },
        release() {
          if (released) return;
          released = true;
          heldBytes -= mine;
          mine = 0;
        },
      };
    },
  };
}
