import type { AttributeProto } from '../onnx/codec.js';

/**
 * A node's attributes by name, read straight from the decoded proto's list. Nodes carry a
 * handful of attributes, so a linear scan is as fast as a hash lookup, and a model of 10,000
 * nodes saves a Map each (a few hundred bytes apiece).
 */
export class AttributeMap implements ReadonlyMap<string, AttributeProto> {
  constructor(private readonly list: readonly AttributeProto[]) {}

  get size(): number {
    return this.list.length;
  }

  get(name: string): AttributeProto | undefined {
    for (const attr of this.list) if (attr.name === name) return attr;
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  forEach(
    callback: (value: AttributeProto, key: string, map: ReadonlyMap<string, AttributeProto>) => void,
  ): void {
    for (const attr of this.list) callback(attr, attr.name ?? '', this);
  }

  *entries(): MapIterator<[string, AttributeProto]> {
    for (const attr of this.list) yield [attr.name ?? '', attr];
  }

  *keys(): MapIterator<string> {
    for (const attr of this.list) yield attr.name ?? '';
  }

  *values(): MapIterator<AttributeProto> {
    yield* this.list;
  }

  [Symbol.iterator](): MapIterator<[string, AttributeProto]> {
    return this.entries();
  }
}
