/**
 * Tensor data in the binary tensor extension (Triton's `binary_tensor_data`): row-major,
 * little-endian, no padding; BOOL one byte 0 or 1; BYTES each element as a 4-byte little-endian
 * length followed by its bytes. Typed arrays are written and read as views of the same memory
 * (no copy), except when a tensor's bytes in the body are not aligned for its element size.
 */
import { FIXED_SIZE, type OipDatatype, type TensorTypedArray } from './datatypes.js';
import { OipError } from './errors.js';
import type { OipTensor } from './tensor.js';

// Typed arrays use the host's byte order; the extension's is little-endian, as on x86 and ARM hosts.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new OipError(
      'This host is big-endian; the binary tensor extension needs a little-endian host.',
      500,
    );
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes of a tensor's data in the extension's layout: a view of its typed array, or BYTES packed. */
export function binaryData(tensor: OipTensor): Uint8Array {
  assertLittleEndianHost();
  const { data } = tensor;
  if (!Array.isArray(data)) {
    const values = data as TensorTypedArray;
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const encoded = (data as readonly string[]).map((text) => utf8.encode(text));
  const bytes = new Uint8Array(encoded.reduce((sum, element) => sum + 4 + element.length, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const element of encoded) {
    view.setUint32(offset, element.length, true);
    bytes.set(element, offset + 4);
    offset += 4 + element.length;
  }
  return bytes;
}

/**
 * A tensor's data from its binary bytes (`binary_data_size` of them).
 *
 * @param label how errors name the tensor: `Input "x"`.
 * @throws OipError when the size does not match the shape, a BOOL byte is not 0 or 1, or BYTES
 *   elements overrun or are not UTF-8 text.
 */
export function decodeBinaryData(
  label: string,
  datatype: OipDatatype,
  count: number,
  bytes: Uint8Array,
): TensorTypedArray | string[] {
  assertLittleEndianHost();
  if (datatype === 'BYTES') return decodeBytesElements(label, count, bytes);
  const spec = FIXED_SIZE[datatype];
  if (bytes.length !== count * spec.bytes) {
    throw new OipError(
      `${label} is ${datatype} with ${count} elements, so its binary_data_size must be ${count * spec.bytes} bytes, not ${bytes.length}.`,
    );
  }
  const aligned = bytes.byteOffset % spec.bytes === 0 ? bytes : bytes.slice();
  const values = new spec.array(aligned.buffer, aligned.byteOffset, count);
  if (datatype === 'BOOL') {
    const bad = (values as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0)
      throw new OipError(`${label} has byte ${values[bad]} at element ${bad}; BOOL bytes are 0 or 1.`);
  }
  return values;
}

function decodeBytesElements(label: string, count: number, bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: string[] = [];
  let offset = 0;
  while (elements.length < count) {
    if (offset + 4 > bytes.length) break;
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.length) break;
    try {
      elements.push(strictUtf8.decode(bytes.subarray(offset + 4, offset + 4 + length)));
    } catch (cause) {
      throw new OipError(
        `${label} element ${elements.length} is not UTF-8 text; Cutline carries BYTES as text.`,
        400,
        {
          cause,
        },
      );
    }
    offset += 4 + length;
  }
  if (elements.length < count || offset !== bytes.length) {
    throw new OipError(
      `${label} is BYTES with ${count} elements by its shape, but its ${bytes.length} binary bytes hold ${
        elements.length < count
          ? `only ${elements.length} complete elements`
          : `${bytes.length - offset} bytes more`
      } (each element is a 4-byte little-endian length and its bytes).`,
    );
  }
  return elements;
}
