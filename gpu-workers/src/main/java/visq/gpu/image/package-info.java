/** Image decoding with limits, preprocessing into model views, and deterministic degradations. */
package visq.gpu.image;
