package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The LoRA matrices of a Qwen decoder, in a fixed order: for every layer and every adapted projection
 * ({@link LoraSettings#targets()}), {@code A [rank, in]} then {@code B [out, rank]}, named after the projection's
 * published module path ({@code model.layers.3.self_attn.q_proj.lora_A.weight}). Version 0 draws A uniformly in
 * ±1/sqrt(in) (PEFT's Kaiming-uniform with a = sqrt(5)) from a seed and the tensor's name, and sets B to zero, so a
 * fresh adapter leaves the base model unchanged.
 */
public final class LoraAdapters {

    private final LoraSettings settings;
    private final List<String> names;
    private final List<Shape> shapes;
    private final Map<String, Integer> indexes;

    /** The layout of the adapters of {@code text} under {@code settings}. */
    public LoraAdapters(QwenTextConfig text, LoraSettings settings) {
        this.settings = settings;
        List<String> n = new ArrayList<>();
        List<Shape> s = new ArrayList<>();
        for (int layer = 0; layer < text.layers(); layer++) {
            for (DecoderProjection projection : DecoderProjection.values()) {
                if (!settings.adapts(projection.moduleName())) {
                    continue;
                }
                String path = projection.modulePath(layer);
                n.add(path + ".lora_A.weight");
                s.add(new Shape(settings.rank(), projection.inputWidth(text)));
                n.add(path + ".lora_B.weight");
                s.add(new Shape(projection.outputWidth(text), settings.rank()));
            }
        }
        this.names = Collections.unmodifiableList(n);
        this.shapes = Collections.unmodifiableList(s);
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < n.size(); i++) {
            byName.put(n.get(i), i);
        }
        this.indexes = byName;
    }

    public LoraSettings settings() {
        return settings;
    }

    /** Tensor names, in layout order. */
    public List<String> names() {
        return names;
    }

    /** Tensor shapes, in layout order. */
    public List<Shape> shapes() {
        return shapes;
    }

    /** Trainable scalars in all adapters. */
    public long parameterCount() {
        long count = 0;
        for (Shape shape : shapes) {
            count += shape.size();
        }
        return count;
    }

    /** Version-0 adapters in {@code owner}, each with {@code requiresGradient} set. */
    public List<NDArray> createInitial(NDManager owner) {
        List<NDArray> arrays = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            NDArray array = owner.create(initialValues(i), shapes.get(i));
            array.setName(names.get(i));
            array.setRequiresGradient(true);
            arrays.add(array);
        }
        return Collections.unmodifiableList(arrays);
    }

    private float[] initialValues(int index) {
        Shape shape = shapes.get(index);
        float[] values = new float[Math.toIntExact(shape.size())];
        if (names.get(index).endsWith("lora_B.weight")) {
            return values;
        }
        double bound = 1.0 / Math.sqrt(shape.get(1));
        SplittableRandom random = new SplittableRandom(settings.initSeed() * 0x9E3779B97F4A7C15L + names.get(index).hashCode());
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return values;
    }

    /**
     * The adapter of {@code projection} in {@code layer} within {@code arrays} (the parameters, or copies/views of
     * them in layout order), or null when that projection carries none.
     */
    public Adapter adapter(List<NDArray> arrays, int layer, DecoderProjection projection) {
        Integer a = indexes.get(projection.modulePath(layer) + ".lora_A.weight");
        if (a == null) {
            return null;
        }
        return new Adapter(arrays.get(a), arrays.get(a + 1));
    }

    /**
     * Sets {@code adapters} (the parameters, in layout order) from named values (a PEFT adapter read from disk); every
     * tensor must be given.
     */
    public void assign(List<NDArray> adapters, Map<String, float[]> values) {
        float[][] ordered = new float[names().size()][];
        for (int i = 0; i < ordered.length; i++) {
            String name = names().get(i);
            float[] given = values.get(name);
            if (given == null) {
                throw new IllegalArgumentException("adapter lacks tensor " + name);
            }
            if (given.length != shapes().get(i).size()) {
                throw new IllegalArgumentException("adapter tensor " + name + " holds " + given.length
                        + " values, shape " + shapes().get(i) + " needs " + shapes().get(i).size());
            }
            ordered[i] = given;
        }
        if (values.size() != ordered.length) {
            List<String> unknown = new ArrayList<>(values.keySet());
            unknown.removeAll(names());
            throw new IllegalArgumentException("adapter holds tensors this model does not have: " + unknown);
        }
        for (int i = 0; i < ordered.length; i++) {
            adapters.get(i).set(java.nio.FloatBuffer.wrap(ordered[i]));
        }
    }

    /** One adapter's matrices: {@code a [rank, in]}, {@code b [out, rank]}. */
    public record Adapter(NDArray a, NDArray b) {}
}
