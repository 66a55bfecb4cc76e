import { describe, expect, it } from 'vitest';
import { buildGraph } from '../core/graph/build.js';
import { predecessors, successors, nodeByName } from '../core/graph/queries.js';
import { graph, node, tensorFromFloat32, valueInfo, attr } from '../core/onnx/builder.js';
import { DataType } from '../core/onnx/dtype.js';
import { parseInputBinding } from '../core/shape/bindings.js';
import { CutlineError } from '../core/errors.js';

const x = valueInfo('x', DataType.FLOAT, ['batch', 4]);

describe('graph model', () => {
  it('orders an unsorted file topologically and answers neighbour queries', () => {
    const g = buildGraph(
      graph({
        name: 'diamond',
        // File order is deliberately not topological.
        nodes: [
          node('Add', ['l', 'r'], ['y'], [], 'join'),
          node('Relu', ['a'], ['l'], [], 'left'),
          node('Sigmoid', ['a'], ['r'], [], 'right'),
          node('Mul', ['x', 'w'], ['a'], [], 'scale'),
        ],
        inputs: [x],
        outputs: [valueInfo('y', DataType.FLOAT)],
        initializers: [tensorFromFloat32('w', [4], [1, 2, 3, 4])],
      }),
    );
    const position = new Map(g.order.map((n, k) => [g.nodes[n]!.name, k]));
    expect(position.get('scale')).toBe(0);
    expect(position.get('join')).toBe(3);
    expect(g.order).toEqual([3, 1, 2, 0]);
    const scale = nodeByName(g, 'scale')!;
    expect(
      successors(g, scale)
        .map((n) => g.nodes[n]!.name)
        .sort(),
    ).toEqual(['left', 'right']);
    expect(predecessors(g, nodeByName(g, 'join')!).map((n) => g.nodes[n]!.name)).toEqual(['left', 'right']);
    expect(g.tensors.get('w')!.kind).toBe('initializer');
    expect(g.tensors.get('x')!.shape).toEqual(['batch', 4]);
    expect(g.tensors.get('a')!.consumers).toEqual([1, 2]);
    expect(g.inputs).toEqual(['x']);
  });

  it('keeps file order when already sorted, and names unnamed or duplicate nodes uniquely', () => {
    const g = buildGraph(
      graph({
        name: 'chain',
        nodes: [
          node('Relu', ['x'], ['a']),
          node('Relu', ['a'], ['b'], [], 'dup'),
          node('Relu', ['b'], ['y'], [], 'dup'),
        ],
        inputs: [x],
        outputs: [valueInfo('y', DataType.FLOAT)],
      }),
    );
    expect(g.order).toEqual([0, 1, 2]);
    expect(g.nodes.map((n) => n.name)).toEqual(['Relu_0', 'dup', 'Relu_2']);
  });

  it('keeps sub-graphs and counts their outer-scope reads as dependencies of the parent', () => {
    const thenBranch = graph({
      name: 'then',
      nodes: [node('Relu', ['a'], ['t'])],
      inputs: [],
      outputs: [valueInfo('t', DataType.FLOAT)],
    });
    const elseBranch = graph({
      name: 'else',
      nodes: [node('Neg', ['a'], ['e'])],
      inputs: [],
      outputs: [valueInfo('e', DataType.FLOAT)],
    });
    const g = buildGraph(
      graph({
        name: 'branchy',
        nodes: [
          node(
            'If',
            ['cond'],
            ['y'],
            [attr.graph('then_branch', thenBranch), attr.graph('else_branch', elseBranch)],
            'branch',
          ),
          node('Abs', ['x'], ['a'], [], 'abs'),
        ],
        inputs: [x, valueInfo('cond', DataType.BOOL, [])],
        outputs: [valueInfo('y', DataType.FLOAT)],
      }),
    );
    const branch = g.nodes[0]!;
    expect([...branch.subgraphs.keys()]).toEqual(['then_branch', 'else_branch']);
    expect(branch.implicitInputs).toEqual(['a']);
    expect(g.order).toEqual([1, 0]);
    expect(branch.subgraphs.get('then_branch')!.tensors.get('a')!.kind).toBe('outer-scope');
  });

  it('refuses a node reading a tensor nobody produces', () => {
    expect(() =>
      buildGraph(
        graph({
          name: 'g',
          nodes: [node('Relu', ['ghost'], ['y'], [], 'r')],
          inputs: [x],
          outputs: [valueInfo('y', DataType.FLOAT)],
        }),
      ),
    ).toThrow(CutlineError);
  });

  it('builds a 20,000-node graph', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) =>
      node('Relu', [i === 0 ? 'x' : `t${i - 1}`], [i === 19_999 ? 'y' : `t${i}`]),
    );
    const g = buildGraph(
      graph({ name: 'long', nodes: nodes.reverse(), inputs: [x], outputs: [valueInfo('y', DataType.FLOAT)] }),
    );
    expect(g.order[0]).toBe(19_999);
    expect(g.order.length).toBe(20_000);
  });
});

describe('input bindings', () => {
  it('parses sizes and symbols', () => {
    expect(parseInputBinding('images=1x3x640x640')).toEqual({ name: 'images', shape: [1, 3, 640, 640] });
    expect(parseInputBinding('input_ids=batch,128')).toEqual({ name: 'input_ids', shape: ['batch', 128] });
    expect(parseInputBinding('a:0=scalar')).toEqual({ name: 'a:0', shape: [] });
  });
  it('refuses malformed bindings', () => {
    for (const bad of ['images', '=1x3', 'x=', 'x=1x-3', 'x=1x3.5'])
      expect(() => parseInputBinding(bad), bad).toThrow(CutlineError);
  });
});
