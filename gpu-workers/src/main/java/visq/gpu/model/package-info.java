/**
 * The policy models: the {@link visq.gpu.model.PolicyModel} contract, its configuration and tokenizers, the
 * compact vision-language policy that trains on a CPU, and the weight encoding exchanged between nodes.
 */
package visq.gpu.model;
