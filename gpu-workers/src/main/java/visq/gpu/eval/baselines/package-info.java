/**
 * Classic image-quality baselines computed in plain Java: full-reference PSNR and SSIM, no-reference NIQE and
 * BRISQUE, selectable by name through {@link visq.gpu.eval.baselines.BaselineMetrics}.
 */
package visq.gpu.eval.baselines;
