/**
 * Dense ops with hand-written gradients, because tfjs's defaults are slow on the wasm backend:
 * its matmul takes the fast XNNPACK path only for untransposed, unbatched operands, yet the
 * stock MatMul gradient asks for transposeA/transposeB (measured 8-15x slower), and bias
 * gradients reduce over axis 0 (also slow). Here every gradient matmul gets explicitly
 * transposed operands, and axis-0 sums are matmuls with a row of ones.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * [M, N] -> [N, M]. The wasm 2-D transpose is several times slower than the 3-D one, so split
 * N = a·b and permute [M, a, b] -> [a, b, M], which flattens to the same matrix.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [m, n] = x.shape;
  for (const a of [8, 4, 2, 16, 3]) {
    if (n % a === 0 && n / a >= 2) return tf.transpose(x.reshape([m, a, n / a]), [1, 2, 0]).reshape([n, m]);
  }
  return tf.transpose(x);
}

/** Column sums of [M, N] as [N]: a matmul with a row of ones. */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  const [m, n] = x.shape;
  return tf.matMul(tf.ones([1, m]), x).reshape([n]);
}

type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/** tf.customGrad with positional tensor inputs and the save function passed separately. */
function withGrad(arity: number, f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: GradFn }): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => f(args.slice(0, arity) as tf.Tensor[], args[arity] as tf.GradSaveFunc));
}

const denseBias = withGrad(3, ([x, w, b], save) => {
  save([x!, w!]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b! }),
    gradFunc: (dy, [xs, ws]) => [tf.matMul(dy, transpose2d(ws as tf.Tensor2D)), tf.matMul(transpose2d(xs as tf.Tensor2D), dy), sumRows(dy as tf.Tensor2D)],
  };
});

const denseNoBias = withGrad(2, ([x, w], save) => {
  save([x!, w!]);
  return {
    value: tf.matMul(x!, w!),
    gradFunc: (dy, [xs, ws]) => [tf.matMul(dy, transpose2d(ws as tf.Tensor2D)), tf.matMul(transpose2d(xs as tf.Tensor2D), dy)],
  };
});

/** x·W (+ b) for x [M, K], W [K, N], b [N]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  return (b === undefined ? denseNoBias(x, w) : denseBias(x, w, b)) as tf.Tensor2D;
}

const addRowOp = withGrad(2, ([x, r]) => ({
  value: tf.add(x!, r!),
  // clone: handing dy itself back would let the engine dispose the same tensor twice
  gradFunc: (dy) => [tf.clone(dy), sumRows(dy as tf.Tensor2D)],
}));

/** x [M, N] + r [N] broadcast over rows. */
export function addRow(x: tf.Tensor2D, r: tf.Tensor1D): tf.Tensor2D {
  return addRowOp(x, r) as tf.Tensor2D;
}

const mulRowOp = withGrad(2, ([x, g], save) => {
  save([x!, g!]);
  return {
    value: tf.mul(x!, g!),
    gradFunc: (dy, [xs, gs]) => [tf.mul(dy, gs!), sumRows(tf.mul(dy, xs!) as tf.Tensor2D)],
  };
});

/** x [M, N] · g [N] broadcast over rows (a per-column gain). */
export function mulRow(x: tf.Tensor2D, g: tf.Tensor1D): tf.Tensor2D {
  return mulRowOp(x, g) as tf.Tensor2D;
}

const stopGradientOp = withGrad(1, ([x]) => ({
  value: tf.clone(x!),
  gradFunc: (dy) => [tf.zerosLike(dy)],
}));

/** Identity whose gradient is zero (tfjs has no stop_gradient). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}
