/**
 * Natural-scene statistics of an image's luma: MSCN coefficients, generalised Gaussian fits of them and of their
 * neighbour products, and the 36 BRISQUE features built from them. Used by the compact policy's image statistics
 * ({@code visq.gpu.image}) and by the classic baselines ({@code visq.gpu.eval.baselines}); imports only the raster.
 */
package visq.gpu.image.nss;
