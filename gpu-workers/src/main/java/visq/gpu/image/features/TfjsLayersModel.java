package visq.gpu.image.features;

import java.util.List;
import java.util.Map;

/**
 * A Keras functional model read from the TF.js layers format: the layers in topological order, the names of its
 * input and output layers, and its weights by name ({@code layer/weight}, e.g. {@code Conv1/kernel}).
 */
public record TfjsLayersModel(
        List<KerasLayerSpec> layers, List<String> inputLayers, List<String> outputLayers,
        Map<String, TfjsWeight> weights) {

    public TfjsLayersModel {
        layers = List.copyOf(layers);
        inputLayers = List.copyOf(inputLayers);
        outputLayers = List.copyOf(outputLayers);
        weights = Map.copyOf(weights);
    }

    /** The layer called {@code name}; an unknown name throws, naming it. */
    public KerasLayerSpec layer(String name) {
        for (KerasLayerSpec layer : layers) {
            if (layer.name().equals(name)) {
                return layer;
            }
        }
        throw new IllegalArgumentException("the model has no layer " + name);
    }

    /** Scalars in all weights. */
    public long parameterCount() {
        long count = 0;
        for (TfjsWeight weight : weights.values()) {
            count += weight.size();
        }
        return count;
    }
}
