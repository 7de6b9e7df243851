/**
 * Autoregressive decoding: the sampling settings and token sampling (temperature, top-k, top-p, greedy), the KV
 * cache and the sampling loop.
 */
package visq.gpu.generation;
