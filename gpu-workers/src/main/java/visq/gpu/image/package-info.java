/**
 * Image decoding with limits, preprocessing into model views, and deterministic degradations with their labels
 * (class, severity).
 */
package visq.gpu.image;
