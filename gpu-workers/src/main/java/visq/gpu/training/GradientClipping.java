package visq.gpu.training;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Clipping of gradients by their global L2 norm, as torch.nn.utils.clip_grad_norm_ does. */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Scales every gradient in place by min(1, maxNorm / (norm + 1e-6)), norm being the L2 norm of all gradients
     * together.
     *
     * @return the norm before clipping
     */
    public static double clipGlobalNorm(List<NDArray> grads, double maxNorm) {
        double squares = 0;
        for (NDArray grad : grads) {
            for (float g : grad.toFloatArray()) {
                squares += (double) g * g;
            }
        }
        double norm = Math.sqrt(squares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            for (NDArray grad : grads) {
                grad.muli((float) coefficient);
            }
        }
        return norm;
    }
}
