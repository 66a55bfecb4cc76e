/**
 * Answers for what Node's HTTP parser refuses before there is a request to answer: malformed
 * HTTP, headers too large, a request that did not arrive within the server's timeouts. Node's own
 * answer is a bare status line; a tier's peers expect every failure as an OIP error object.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { lingerOnClose } from '../linger.js';
import { rawErrorResponse } from './respond.js';

/**
 * Answers what Node's HTTP parser refused (malformed HTTP, headers too large, a request that did
 * not arrive in time) with an OIP error body instead of Node's bare status line, then closes the
 * connection. Nothing is written when the peer is gone or an answer has already begun on it.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  context: {
    readonly headersTimeout: number;
    readonly requestTimeout: number;
    /** How long to keep discarding what the peer still sends after the answer, ms. */
    readonly lingerMs: number;
    /** Records the status answered, for the server's stats. */
    readonly count: (status: number) => void;
  },
): void {
  // The parser reports every later chunk on a refused connection too: answer once.
  if (answered.has(socket)) return;
  answered.add(socket);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, message] = clientErrorAnswer(error, context);
  context.count(status);
  socket.write(rawErrorResponse(status, message));
  // Close after the answer without resetting it away: the peer may still be sending.
  lingerOnClose(socket, context.lingerMs);
  socket.destroySoon();
}

const answered = new WeakSet<Socket>();

function clientErrorAnswer(
  error: NodeJS.ErrnoException,
  timeouts: { readonly headersTimeout: number; readonly requestTimeout: number },
): [number, string] {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        408,
        `The request did not arrive in time: headers are allowed ${timeouts.headersTimeout} ms and the whole request ${timeouts.requestTimeout} ms.`,
      ];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'The request headers are larger than this tier accepts.'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'The request’s chunk extensions are larger than this tier accepts.'];
    default: {
      // llhttp's reason is a fixed phrase ("Invalid method encountered"), never the peer's bytes.
      const reason = (error as { reason?: unknown }).reason;
      const detail = typeof reason === 'string' ? `: ${reason}` : '';
      return [400, `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'}${detail}).`];
    }
  }
}
