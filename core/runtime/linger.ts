/**
 * Closing a connection whose request body was refused unread, without losing the answer. Closing a
 * socket with unread bytes makes the kernel send a reset, which can reach the peer before it has
 * read the answer (a peer still uploading then sees only "connection reset"). So the server
 * lingers, as web servers do: it sends the answer and its FIN, discards whatever still arrives for
 * a bounded time, then closes.
 */
import type { Socket } from 'node:net';

/** Makes the HTTP server's close of `socket` (its `destroySoon` after the answer) linger for up to `lingerMs`. */
export function lingerOnClose(socket: Socket, lingerMs: number): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    // The peer closing its side after reading the answer ends the linger early.
    this.once('end', () => this.destroy());
  };
}
