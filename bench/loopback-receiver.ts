/**
 * The receiving end of the loopback throughput benchmark, in its own process as a tier would be:
 * an HTTP server taking a tensor as a raw binary POST body, and a plain TCP server taking the same
 * bytes behind a 4-byte length. Both copy what arrives into one buffer of the announced size (what
 * a tier does before handing a tensor to onnxruntime) and answer once it is complete.
 *
 * Prints its two ports as a bench result line, then serves until its stdin closes.
 */
import http from 'node:http';
import net from 'node:net';
import { emitFailure, emitResult } from './child-protocol.js';
import { RAW_HEADER_BYTES, type LoopbackPorts } from './loopback-protocol.js';

function httpReceiver(): http.Server {
  return http.createServer({ noDelay: true }, (request, response) => {
    response.sendDate = false;
    const body = Buffer.allocUnsafe(Number(request.headers['content-length'] ?? 0));
    let offset = 0;
    request.on('data', (chunk: Buffer) => (offset += chunk.copy(body, offset)));
    request.on('end', () => response.end(String(offset)));
  });
}

function rawReceiver(): net.Server {
  return net.createServer({ noDelay: true }, (socket) => {
    const header = Buffer.alloc(RAW_HEADER_BYTES);
    let headerBytes = 0;
    let body: Buffer | undefined;
    let offset = 0;
    socket.on('data', (data: Buffer) => {
      let chunk = data;
      while (chunk.length > 0) {
        if (body === undefined) {
          const taken = chunk.copy(header, headerBytes, 0, RAW_HEADER_BYTES - headerBytes);
          headerBytes += taken;
          chunk = chunk.subarray(taken);
          if (headerBytes < RAW_HEADER_BYTES) return;
          body = Buffer.allocUnsafe(header.readUInt32LE(0));
          offset = 0;
        }
        const copied = chunk.copy(body, offset);
        offset += copied;
        chunk = chunk.subarray(copied);
        if (offset === body.length) {
          socket.write(Buffer.of(1));
          body = undefined;
          headerBytes = 0;
        }
      }
    });
    socket.on('error', () => socket.destroy());
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

try {
  const ports: LoopbackPorts = {
    httpPort: await listen(httpReceiver()),
    rawPort: await listen(rawReceiver()),
  };
  emitResult(ports);
  // The parent closes our stdin when it is done, or by dying: either way, stop.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
} catch (error) {
  emitFailure(error);
  process.exit(1);
}
