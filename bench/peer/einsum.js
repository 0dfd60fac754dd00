// An Einsum kernel for TF.js backends that lack one (WASM), built from the backend's own
// Transpose, Reshape and BatchMatMul kernels. The UpscalerJS MAXIM model calls Einsum 732
// times (`abcg,gf->abcf`, `abgd,gf->abdf`, `gb,cgef->bcef`); without this it runs on WASM
// only by falling back to the slow CPU backend. Written by hand because TF.js ships no
// such kernel for WASM; kept dependency-free (TF.js comes in as an argument) so the same
// file serves the peer's TF.js 4.11 in the browser and the project's 4.22 in the tests.
//
// Scope: two operands, every index once per operand, every index of the output in an
// input, and every index missing from the output present in both inputs (a contraction).
// That covers matrix products with batch dimensions in any order; anything else throws.

/** Parse "ab,bc->ac" into {a: ['a','b'], b: ['b','c'], out: ['a','c']}. */
export function parseEquation(equation) {
  const [left, out] = equation.replace(/\s/g, '').split('->');
  const operands = left.split(',');
  if (operands.length !== 2 || out === undefined) {
    throw new Error(`Einsum: only "x,y->z" equations with two operands are supported, not ${equation}`);
  }
  const [a, b] = operands.map((s) => [...s]);
  const output = [...out];
  for (const letters of [a, b, output]) {
    if (new Set(letters).size !== letters.length) throw new Error(`Einsum: repeated index in ${equation}`);
  }
  for (const index of [...a, ...b]) {
    if (!output.includes(index) && !(a.includes(index) && b.includes(index))) {
      throw new Error(`Einsum: index ${index} is summed within one operand in ${equation}`);
    }
  }
  for (const index of output) {
    if (!a.includes(index) && !b.includes(index)) throw new Error(`Einsum: output index ${index} is in no input`);
  }
  return { a, b, out: output };
}

/**
 * The plan for one equation: batch indices (in both inputs and the output), the free
 * indices of each input, and the contracted ones; each operand is transposed to
 * [batch, free, contracted] (B: [batch, contracted, free]) and multiplied.
 */
export function plan(equation) {
  const { a, b, out } = parseEquation(equation);
  const batch = out.filter((i) => a.includes(i) && b.includes(i));
  const freeA = a.filter((i) => !b.includes(i));
  const freeB = b.filter((i) => !a.includes(i));
  const contracted = a.filter((i) => b.includes(i) && !out.includes(i));
  const product = [...batch, ...freeA, ...freeB];
  return {
    permA: [...batch, ...freeA, ...contracted].map((i) => a.indexOf(i)),
    permB: [...batch, ...contracted, ...freeB].map((i) => b.indexOf(i)),
    permOut: out.map((i) => product.indexOf(i)),
    batch,
    freeA,
    freeB,
    contracted,
    a,
    b,
  };
}

const isIdentity = (perm) => perm.every((p, i) => p === i);
const prod = (values) => values.reduce((x, y) => x * y, 1);

/** Register `Einsum` on `backendName`, running on that backend's own kernels. */
export function registerEinsum(tf, backendName) {
  tf.registerKernel({
    kernelName: 'Einsum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const run = (name, kernelInputs, kernelAttrs) =>
        tf.getKernel(name, backendName).kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs });
      const temporaries = [];
      const keep = (info) => {
        temporaries.push(info);
        return info;
      };
      const transpose = (x, perm) => (isIdentity(perm) ? x : keep(run('Transpose', { x }, { perm })));
      const reshape = (x, shape) => keep(run('Reshape', { x }, { shape }));

      const p = plan(attrs.equation);
      const [x, y] = inputs;
      const sizes = {};
      p.a.forEach((index, axis) => (sizes[index] = x.shape[axis]));
      p.b.forEach((index, axis) => {
        if (sizes[index] !== undefined && sizes[index] !== y.shape[axis]) {
          throw new Error(`Einsum: index ${index} is ${sizes[index]} in one operand and ${y.shape[axis]} in the other`);
        }
        sizes[index] = y.shape[axis];
      });
      const size = (indices) => prod(indices.map((i) => sizes[i]));
      const a3 = reshape(transpose(x, p.permA), [size(p.batch), size(p.freeA), size(p.contracted)]);
      const b3 = reshape(transpose(y, p.permB), [size(p.batch), size(p.contracted), size(p.freeB)]);
      const product = keep(run('BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false }));
      const shaped = reshape(product, [...p.batch, ...p.freeA, ...p.freeB].map((i) => sizes[i]));
      const result = isIdentity(p.permOut) ? shaped : run('Transpose', { x: shaped }, { perm: p.permOut });
      for (const info of temporaries) {
        if (info !== result) backend.disposeData(info.dataId);
      }
      return result;
    },
  });
}
