package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * What every policy does with its trainable tensors: per-call copies for a differentiable pass, detached views for
 * generation, and clearing accumulated gradients.
 */
public final class TrainableTensors {

    private TrainableTensors() {}

    /**
     * Copies of {@code parameters} in {@code scope} through which gradients flow back to the parameters (everything a
     * pass computes from them is attached to {@code scope}, never to the parameters' own manager).
     */
    public static List<NDArray> trainingCopies(List<NDArray> parameters, NDManager scope) {
        List<NDArray> copies = new ArrayList<>(parameters.size());
        for (NDArray parameter : parameters) {
            copies.add(scope.zeros(parameter.getShape(), DataType.FLOAT32, parameter.getDevice()).add(parameter));
        }
        return copies;
    }

    /** Views of {@code parameters} without autograd history, owned by {@code scope}: nothing is recorded through them. */
    public static List<NDArray> detachedViews(List<NDArray> parameters, NDManager scope) {
        List<NDArray> views = new ArrayList<>(parameters.size());
        for (NDArray parameter : parameters) {
            NDArray view = parameter.stopGradient();
            view.attach(scope);
            views.add(view);
        }
        return views;
    }

    /** Sets every accumulated gradient of {@code parameters} to zero. */
    public static void zeroGradients(List<NDArray> parameters) {
        for (NDArray parameter : parameters) {
            if (parameter.hasGradient()) {
                try (NDArray gradient = parameter.getGradient()) {
                    gradient.subi(gradient);
                }
            }
        }
    }
}
