/**
 * How far a LoRA image moves from the baseline of the same prompt and seed: 1 − SSIM, the structural similarity of
 * Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli ("Image quality assessment: from error visibility to
 * structural similarity", IEEE Trans. Image Processing 13(4), 2004), as ssim.js computes it with its `original`
 * algorithm: an 11 × 11 Gaussian window with σ = 1.5, K1 = 0.01, K2 = 0.03, on the luma of 8-bit pixels; equal to
 * `skimage.metrics.structural_similarity(a, b, data_range=255, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False)`. A similarity measure, not a quality score. Pure: no I/O.
 */
import { ssim } from 'ssim.js';

/** 8-bit RGBA pixels, row-major, as `ImageData` holds them. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * 1 − MSSIM of two images of the same size, in [0, 2] (0: identical structure; around 1: unrelated).
 *
 * @throws RangeError when the sizes differ or an image is smaller than the 11 × 11 window.
 */
export function ssimDistance(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`ssimDistance: sizes differ (${a.width}×${a.height} and ${b.width}×${b.height})`);
  }
  if (a.width < 11 || a.height < 11) throw new RangeError(`ssimDistance: images must be at least 11×11 (got ${a.width}×${a.height})`);
  return 1 - ssim(a, b, { ssim: 'original', downsample: false, rgb2grayVersion: 'original' }).mssim;
}

/** Mean and sample standard deviation (null with fewer than 2 values) of `values`; null mean when empty. */
export function meanSd(values: readonly number[]): { mean: number | null; sd: number | null } {
  if (!values.length) return { mean: null, sd: null };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length < 2) return { mean, sd: null };
  const v = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(v) };
}
