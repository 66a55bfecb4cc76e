/**
 * Server-sent events (`GET /api/events`): progress of running opens, job events and host
 * commands, pushed to every connected page. Each event is `event: <progress|command|job>` with
 * one line of JSON.
 */
import type { ServerResponse } from 'node:http';
import type { HostCommand, JobEvent, ProgressEvent } from '../../shared/studio-api.js';

/** Comment lines keep idle connections from being closed by proxies or the OS. */
const KEEP_ALIVE_MS = 20_000;

export interface EventHub {
  attach(response: ServerResponse): void;
  progress(event: ProgressEvent): void;
  command(command: HostCommand): void;
  job(event: JobEvent): void;
  readonly clientCount: number;
  close(): void;
}

export function createEventHub(): EventHub {
  const clients = new Set<ServerResponse>();
  const broadcast = (name: string, value: unknown): void => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();

  return {
    attach(response) {
      response.statusCode = 200;
      response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      response.setHeader('Connection', 'keep-alive');
      response.flushHeaders();
      // The first frame tells the client the stream is live (it may then start an open).
      response.write(': connected\n\n');
      clients.add(response);
      response.on('close', () => clients.delete(response));
    },
    progress: (event) => broadcast('progress', event),
    command: (command) => broadcast('command', command),
    job: (event) => broadcast('job', event),
    get clientCount() {
      return clients.size;
    },
    close() {
      clearInterval(keepAlive);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
