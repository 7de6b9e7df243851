/**
 * Reading and writing model weights on disk: safetensors files (our own memory-mapped reader and an F32 writer)
 * and checkpoint directories of one or many shards.
 */
package visq.gpu.model.checkpoint;
