package visq.gpu.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for arithmetic inside an autograd graph, as 0-d float32 arrays in memory PyTorch owns.
 *
 * <p>Never pass a {@code Number} to an op whose result will be differentiated ({@code x.mul(0.5f)},
 * {@code x.div(n)}): DJL wraps the number in an array backed by a Java direct buffer and closes that array as soon
 * as the op returns, while autograd keeps the scalar's storage for the backward pass. A garbage collection between
 * forward and backward then frees the buffer under autograd's feet, and backward reads whatever lies there (all-NaN
 * gradients in {@code ScalarArraysTest}; in a node with other busy threads, training that differed run to run).
 * {@link NDManager#full} allocates through PyTorch, whose reference counting keeps the value alive as long as the
 * graph needs it.
 */
public final class ScalarArrays {

    private ScalarArrays() {}

    /** A 0-d float32 array holding {@code value}, attached to {@code owner} (on its device). */
    public static NDArray of(NDManager owner, double value) {
        return owner.full(new Shape(), (float) value);
    }
}
