/** {@code TYPE_INT_RGB} images: the one pixel layout every image operation reads and writes, at the bottom of them. */
package visq.gpu.image.raster;
