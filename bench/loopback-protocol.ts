/** What the loopback benchmark's sender (`sections/loopback.ts`) and receiver process share. */

/** The receiver's ports, printed as its bench result line. */
export interface LoopbackPorts {
  readonly httpPort: number;
  readonly rawPort: number;
}

/** Raw protocol: a little-endian uint32 byte count, then the bytes; the answer is one byte. */
export const RAW_HEADER_BYTES = 4;
