/**
 * Tells a project file from a model by its content, not its name (`cutline studio PROJECT` and
 * a file handed to the app by the OS): an ONNX file is protobuf, whose first byte is a field tag
 * (0x08 for ir_version), never `{`; a project is JSON, an object. A file that starts like JSON
 * is taken for a project, and if it is not one, opening it as a project says why.
 */
import fs from 'node:fs';

const SNIFF_BYTES = 64;

export function looksLikeProject(filePath: string): boolean {
  let fd: number | undefined;
  try {
    // Without blocking, and only a regular file: a FIFO or device named on the command line or
    // dropped on the window would otherwise hold Electron's main thread in open() or read().
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    if (!fs.fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(SNIFF_BYTES);
    const read = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
    // UTF-8 byte order mark and whitespace may come before the opening brace.
    const text = head
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.startsWith('{');
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
