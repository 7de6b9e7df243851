package visq.gpu.image.features;

import java.util.List;
import java.util.Objects;

/**
 * One layer of a Keras functional model as its topology declares it.
 *
 * @param name the layer's unique name
 * @param className the Keras class ({@code Conv2D}, {@code BatchNormalization}, ...)
 * @param inputs the names of the layers whose (single) outputs feed this layer, in order; empty for an input layer
 * @param config the layer's configuration
 */
public record KerasLayerSpec(String name, String className, List<String> inputs, LayerConfig config) {

    public KerasLayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(config, "config");
        inputs = List.copyOf(inputs);
    }
}
