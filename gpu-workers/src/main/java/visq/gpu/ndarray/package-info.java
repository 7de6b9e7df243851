/** NDArray helpers shared by the models, the image feature network and the losses: scalars that autograd keeps alive. */
package visq.gpu.ndarray;
