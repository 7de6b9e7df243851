/**
 * Classic image-quality baselines computed in plain Java: full-reference PSNR and SSIM, no-reference NIQE and
 * BRISQUE, selectable by name through {@link visq.gpu.eval.baselines.BaselineMetrics}; the natural-scene statistics
 * they share with the policy's image input live in {@code visq.gpu.image.nss}.
 */
package visq.gpu.eval.baselines;
