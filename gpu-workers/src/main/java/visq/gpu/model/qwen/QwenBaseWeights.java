package visq.gpu.model.qwen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The frozen weights of one Qwen checkpoint on one device, held once per node: every policy of that checkpoint on
 * that device (the learner's policy, its reference, rollout workers) shares them, counted by {@link #acquire} and
 * {@link #release}; the last release frees them. They never require gradients and are never exported.
 *
 * <p>Readers take {@link #views(NDManager) views}: new handles on the same storage, owned by the reader's scope, so
 * that nothing a forward pass computes is ever attached to the shared manager.
 */
public final class QwenBaseWeights {

    /** Loads every tensor of a checkpoint into a manager. */
    @FunctionalInterface
    public interface Loader {
        Map<String, NDArray> load(NDManager manager);
    }

    private static final Map<Key, QwenBaseWeights> SHARED = new HashMap<>();

    private record Key(String checkpoint, Device device) {}

    private final Key key;
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private int holders;

    private QwenBaseWeights(Key key, NDManager manager, Map<String, NDArray> tensors) {
        this.key = key;
        this.manager = manager;
        this.tensors = Map.copyOf(tensors);
    }

    /**
     * The weights of {@code checkpoint} on {@code device}, loaded by {@code loader} on first use and shared after.
     * Each call must be paired with one {@link #release()}.
     */
    public static QwenBaseWeights acquire(String checkpoint, Device device, Loader loader) {
        Key key = new Key(checkpoint, device);
        synchronized (SHARED) {
            QwenBaseWeights weights = SHARED.get(key);
            if (weights == null) {
                NDManager manager = NDManager.newBaseManager(device);
                manager.setName("qwen-base");
                try {
                    weights = new QwenBaseWeights(key, manager, loader.load(manager));
                } catch (RuntimeException e) {
                    manager.close();
                    throw e;
                }
                SHARED.put(key, weights);
            }
            weights.holders++;
            return weights;
        }
    }

    /** Gives up one holder's share; the last one frees the weights. */
    public void release() {
        synchronized (SHARED) {
            if (holders <= 0) {
                throw new IllegalStateException("base weights of " + key.checkpoint() + " released more often than acquired");
            }
            holders--;
            if (holders == 0) {
                SHARED.remove(key);
                manager.close();
            }
        }
    }

    /** How many policies hold these weights now. */
    public int holders() {
        synchronized (SHARED) {
            return holders;
        }
    }

    /** Scalars in all tensors. */
    public long parameterCount() {
        long count = 0;
        for (NDArray tensor : tensors.values()) {
            count += tensor.size();
        }
        return count;
    }

    /**
     * A lookup by tensor name that returns views owned by {@code scope} (one per name, created on first use; call it
     * outside any shorter-lived {@code NDScope}). An unknown name throws, naming it.
     */
    public Function<String, NDArray> views(NDManager scope) {
        Map<String, NDArray> made = new HashMap<>();
        return name -> made.computeIfAbsent(name, n -> {
            NDArray tensor = tensors.get(n);
            if (tensor == null) {
                throw new IllegalArgumentException("the checkpoint has no tensor " + n);
            }
            NDArray view = tensor.stopGradient();
            view.attach(scope);
            return view;
        });
    }

    @Override
    public String toString() {
        return "QwenBaseWeights[" + key.checkpoint() + " on " + key.device() + ", " + tensors.size() + " tensors]";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key);
    }
}
