package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Keras functional model from the TF.js layers format, run with DJL: frozen (no parameter requires a gradient),
 * inference semantics (batch norm with moving statistics, dropout off), one image input in Keras layout
 * {@code N×H×W×C} float32.
 *
 * <p>Internally feature maps are channels-first; every output handed back is in Keras layout again
 * ({@code N×H×W×C}, or {@code N×F}) so it can be compared with the model run in TF.js. The convolutional layers
 * accept any image size; layers after a Flatten need the size the model declares.
 *
 * <p>A run happens in the caller's scope: its intermediates live in a sub-manager of the input's manager that is
 * closed before it returns (each freed as soon as no later layer needs it); the requested outputs are attached to
 * the input's manager. The parameters are owned by this network and freed by {@link #close()}.
 */
public final class KerasNetwork implements AutoCloseable {

    private final NDManager parameters;
    private final List<Node> nodes;
    private final Map<String, Integer> positions;
    private final int inputNode;
    private final int[] declaredInput;
    private final List<String> outputLayers;

    private record Node(String name, String className, int[] inputs, NetworkLayer layer, int[] shape,
            String foldedInto) {}

    /** How the network computes its layers. */
    public enum Execution {
        /** Every layer as Keras defines it; every layer's output can be read. */
        LAYER_BY_LAYER,
        /**
         * Each batch normalisation that directly follows a convolution without activation, and is that convolution's
         * only reader, is folded into the convolution's kernel and bias (faster; same outputs up to float32
         * rounding). The convolution's own output can then no longer be read.
         */
        FOLD_BATCH_NORM
    }

    private KerasNetwork(NDManager parameters, List<Node> nodes, int inputNode, int[] declaredInput,
            List<String> outputLayers) {
        this.parameters = parameters;
        this.nodes = List.copyOf(nodes);
        this.positions = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            positions.put(nodes.get(i).name(), i);
        }
        this.inputNode = inputNode;
        this.declaredInput = declaredInput;
        this.outputLayers = List.copyOf(outputLayers);
    }

    /**
     * Builds the network of {@code model} with its parameters in a new sub-manager of {@code parent} (on its
     * device). A layer type, config or weight that does not fit throws {@link IllegalArgumentException} naming it;
     * so does a manifest weight no layer uses.
     */
    public static KerasNetwork load(TfjsLayersModel model, NDManager parent) {
        return load(model, parent, Execution.LAYER_BY_LAYER);
    }

    /** Like {@link #load(TfjsLayersModel, NDManager)}, computing the layers as {@code execution} says. */
    public static KerasNetwork load(TfjsLayersModel model, NDManager parent, Execution execution) {
        if (model.inputLayers().size() != 1) {
            throw new IllegalArgumentException("the model has " + model.inputLayers().size()
                    + " inputs; one image input is supported");
        }
        NDManager parameters = parent.newSubManager();
        try {
            List<Node> nodes = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            Set<String> used = new HashSet<>();
            int inputNode = -1;
            int[] declared = null;
            for (KerasLayerSpec spec : model.layers()) {
                if (seen.containsKey(spec.name())) {
                    throw new IllegalArgumentException("the model has two layers called " + spec.name());
                }
                int[] inputs = new int[spec.inputs().size()];
                List<int[]> inputShapes = new ArrayList<>();
                for (int i = 0; i < inputs.length; i++) {
                    Integer producer = seen.get(spec.inputs().get(i));
                    if (producer == null) {
                        throw new IllegalArgumentException("layer " + spec.name() + " takes the output of "
                                + spec.inputs().get(i) + ", which is not an earlier layer");
                    }
                    inputs[i] = producer;
                    inputShapes.add(nodes.get(producer).shape());
                }
                Node node;
                if (spec.className().equals("InputLayer")) {
                    if (!spec.name().equals(model.inputLayers().get(0)) || inputs.length != 0) {
                        throw new IllegalArgumentException("input layer " + spec.name() + " is not the model's input "
                                + model.inputLayers().get(0));
                    }
                    declared = declaredInput(spec);
                    inputNode = nodes.size();
                    node = new Node(spec.name(), spec.className(), inputs, null, declared, null);
                } else {
                    if (inputs.length == 0) {
                        throw new IllegalArgumentException("layer " + spec.name() + " has no inputs");
                    }
                    NetworkLayer layer = NetworkLayers.create(spec, model.weights(), used, parameters);
                    node = new Node(spec.name(), spec.className(), inputs, layer, layer.outputShape(inputShapes), null);
                }
                seen.put(spec.name(), nodes.size());
                nodes.add(node);
            }
            if (inputNode < 0) {
                throw new IllegalArgumentException("the model has no InputLayer " + model.inputLayers().get(0));
            }
            for (String output : model.outputLayers()) {
                if (!seen.containsKey(output)) {
                    throw new IllegalArgumentException("the model's output layer " + output + " does not exist");
                }
            }
            Set<String> unused = new TreeSet<>(model.weights().keySet());
            unused.removeAll(used);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("weights that no layer uses: " + unused);
            }
            if (execution == Execution.FOLD_BATCH_NORM) {
                foldBatchNorms(nodes, model.outputLayers(), parameters);
            }
            return new KerasNetwork(parameters, nodes, inputNode, declared, model.outputLayers());
        } catch (RuntimeException e) {
            parameters.close();
            throw e;
        }
    }

    /** Folds each batch norm into the convolution before it where that changes nothing but rounding. */
    private static void foldBatchNorms(List<Node> nodes, List<String> outputs, NDManager parameters) {
        int[] readers = new int[nodes.size()];
        for (Node node : nodes) {
            for (int producer : node.inputs()) {
                readers[producer]++;
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node norm = nodes.get(i);
            if (!(norm.layer() instanceof BatchNormalizationLayer) || norm.inputs().length != 1) {
                continue;
            }
            int producer = norm.inputs()[0];
            Node conv = nodes.get(producer);
            if (!(conv.layer() instanceof ConvolutionLayer) || readers[producer] != 1
                    || outputs.contains(conv.name()) || !((ConvolutionLayer) conv.layer()).foldable()) {
                continue;
            }
            ConvolutionLayer folded = ((ConvolutionLayer) conv.layer())
                    .foldedWith((BatchNormalizationLayer) norm.layer(), parameters);
            nodes.set(producer, new Node(conv.name(), conv.className(), conv.inputs(), folded, conv.shape(),
                    norm.name()));
            nodes.set(i, new Node(norm.name(), norm.className(), norm.inputs(), new IdentityLayer(norm.name()),
                    norm.shape(), null));
        }
    }

    private static int[] declaredInput(KerasLayerSpec spec) {
        int[] batchShape = spec.config().dimensions("batch_input_shape");
        if (batchShape.length != 4) {
            throw new IllegalArgumentException("input layer " + spec.name() + " declares shape "
                    + Arrays.toString(batchShape) + "; an image input (batch, height, width, channels) is needed");
        }
        if (batchShape[3] <= 0) {
            throw new IllegalArgumentException("input layer " + spec.name() + " declares no channel count");
        }
        String dtype = spec.config().string("dtype", "float32");
        if (!dtype.equals("float32")) {
            throw new IllegalArgumentException("input layer " + spec.name() + " has dtype " + dtype
                    + "; float32 is supported");
        }
        return Arrays.copyOfRange(batchShape, 1, 4);
    }

    /** The layer names in execution order, the input layer first. */
    public List<String> layerNames() {
        List<String> names = new ArrayList<>();
        for (Node node : nodes) {
            names.add(node.name());
        }
        return names;
    }

    /** The Keras class of layer {@code name}. */
    public String layerClass(String name) {
        return nodes.get(position(name)).className();
    }

    /** The output shape of layer {@code name} for the declared input, Keras layout without the batch axis. */
    public int[] outputShape(String name) {
        return nodes.get(position(name)).shape().clone();
    }

    /** {@code [height, width, channels]} the input layer declares (-1 where it leaves a size open). */
    public int[] inputShape() {
        return declaredInput.clone();
    }

    /** The model's output layers. */
    public List<String> outputLayers() {
        return outputLayers;
    }

    /** Scalars in all parameters (batch norm folded into three vectors per layer). */
    public long parameterCount() {
        long count = 0;
        for (NDArray array : parameters.getManagedArrays()) {
            count += array.size();
        }
        return count;
    }

    /** The model's (first) output for {@code input}, attached to the input's manager. */
    public NDArray predict(NDArray input) {
        return run(input, List.of(outputLayers.get(0))).get(outputLayers.get(0));
    }

    /**
     * The outputs of the layers {@code taps} for {@code input} ({@code N×H×W×C} float32 on this network's device),
     * in Keras layout, attached to the input's manager, keyed in the order given. Layers after the last tap are not
     * computed.
     */
    public Map<String, NDArray> run(NDArray input, Collection<String> taps) {
        if (taps.isEmpty()) {
            throw new IllegalArgumentException("no layer outputs requested");
        }
        requireInput(input);
        boolean[] tapped = new boolean[nodes.size()];
        int last = 0;
        for (String tap : taps) {
            int at = position(tap);
            if (nodes.get(at).foldedInto() != null) {
                throw new IllegalArgumentException("layer " + tap + " is folded into " + nodes.get(at).foldedInto()
                        + "; load the network layer by layer to read its output");
            }
            tapped[at] = true;
            last = Math.max(last, at);
        }
        int[] lastUse = new int[nodes.size()];
        for (int i = 0; i <= last; i++) {
            for (int producer : nodes.get(i).inputs()) {
                lastUse[producer] = i;
            }
        }
        NDManager caller = input.getManager();
        Map<String, NDArray> byPosition = new HashMap<>();
        try (NDManager work = caller.newSubManager()) {
            NDArray[] values = new NDArray[last + 1];
            NDArray channelsFirst = input.transpose(0, 3, 1, 2);
            channelsFirst.attach(work);
            values[inputNode] = channelsFirst;
            for (int i = 0; i <= last; i++) {
                Node node = nodes.get(i);
                if (i != inputNode) {
                    List<NDArray> inputs = new ArrayList<>(node.inputs().length);
                    for (int producer : node.inputs()) {
                        inputs.add(values[producer]);
                    }
                    values[i] = node.layer().apply(inputs);
                }
                if (tapped[i]) {
                    NDArray kept = values[i].getShape().dimension() == 4
                            ? values[i].transpose(0, 2, 3, 1)
                            : values[i].reshape(values[i].getShape());
                    kept.attach(caller);
                    byPosition.put(node.name(), kept);
                }
                for (int producer : node.inputs()) {
                    if (lastUse[producer] == i && values[producer] != null) {
                        values[producer].close();
                        values[producer] = null;
                    }
                }
            }
        } catch (RuntimeException e) {
            byPosition.values().forEach(NDArray::close);
            throw e;
        }
        Map<String, NDArray> outputs = new LinkedHashMap<>();
        for (String tap : taps) {
            outputs.put(tap, byPosition.get(tap));
        }
        return outputs;
    }

    private void requireInput(NDArray input) {
        if (!NetworkLayers.isFloat32(input)) {
            throw new IllegalArgumentException("network input must be float32, got " + input.getDataType());
        }
        if (input.getShape().dimension() != 4 || input.getShape().get(3) != declaredInput[2]) {
            throw new IllegalArgumentException("network input must be N×H×W×" + declaredInput[2] + ", got "
                    + input.getShape());
        }
        if (!input.getDevice().equals(parameters.getDevice())) {
            throw new IllegalArgumentException("network input is on " + input.getDevice() + ", the parameters on "
                    + parameters.getDevice());
        }
    }

    private int position(String name) {
        Integer at = positions.get(name);
        if (at == null) {
            throw new IllegalArgumentException("the network has no layer " + name);
        }
        return at;
    }

    @Override
    public void close() {
        parameters.close();
    }

    @Override
    public String toString() {
        return "KerasNetwork[" + nodes.size() + " layers, input " + Arrays.toString(declaredInput) + "]";
    }
}
