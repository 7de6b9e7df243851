package visq.gpu.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW over DJL arrays, computing what torch.optim.AdamW does for one step of a parameter p with gradient g:
 * t += 1; p ← p·(1 − lr·λ); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε).
 *
 * <p>{@link #step} reads each parameter's {@code getGradient()} and updates the parameter in place; it does not
 * zero gradients. PyTorch accumulates gradients over backward passes (a DJL {@code GradientCollector} does not reset
 * them), so call {@link #zeroGradients} after each step, before the next backward. The moments live in a manager owned by this optimiser, created at the first step (or restore) as a
 * sub-manager of the first parameter's manager; {@link #close()} frees them. The parameter list must be the same, in
 * the same order, at every step.
 */
public final class AdamW implements AutoCloseable {

    private final AdamWSettings settings;
    private NDManager stateManager;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private long[] steps = new long[0];

    public AdamW(AdamWSettings settings) {
        this.settings = settings;
    }

    public AdamWSettings settings() {
        return settings;
    }

    /** One update of every parameter in {@code params} with learning rate {@code lr}. */
    public void step(List<NDArray> params, float lr) {
        ensureState(params);
        float beta1 = (float) settings.beta1();
        float beta2 = (float) settings.beta2();
        // 1 − β in double, then rounded: 1f − 0.999f would carry 0.999f's rounding error (5e-5 relative)
        float oneMinusBeta1 = (float) (1.0 - settings.beta1());
        float oneMinusBeta2 = (float) (1.0 - settings.beta2());
        for (int i = 0; i < params.size(); i++) {
            NDArray param = params.get(i);
            NDArray m = firstMoments.get(i);
            NDArray v = secondMoments.get(i);
            steps[i]++;
            double biasCorrection1 = 1.0 - Math.pow(settings.beta1(), steps[i]);
            double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(settings.beta2(), steps[i]));
            double stepSize = lr / biasCorrection1;
            try (NDManager scratch = stateManager.newSubManager()) {
                NDArray grad;
                try (NDArray live = param.getGradient()) {
                    grad = live.duplicate();
                }
                grad.attach(scratch);
                if (settings.weightDecay() != 0) {
                    param.muli((float) (1.0 - lr * settings.weightDecay()));
                }
                m.muli(beta1).addi(grad.mul(oneMinusBeta1));
                v.muli(beta2).addi(grad.mul(grad).muli(oneMinusBeta2));
                NDArray denominator = v.sqrt();
                denominator.attach(scratch);
                denominator.divi((float) biasCorrection2Sqrt).addi((float) settings.epsilon());
                NDArray update = m.div(denominator);
                update.attach(scratch);
                param.subi(update.muli((float) stepSize));
            }
        }
    }

    /** Sets the gradient of every parameter that has one to 0, in place. */
    public static void zeroGradients(List<NDArray> params) {
        for (NDArray param : params) {
            if (param.hasGradient()) {
                try (NDArray gradient = param.getGradient()) {
                    gradient.muli(0f);
                }
            }
        }
    }

    /** Arrays the optimiser holds (its moments, plus any scratch left behind, which should be none). */
    public int liveArrayCount() {
        return stateManager == null ? 0 : stateManager.getManagedArrays().size();
    }

    /** The state as plain arrays (copies). */
    public AdamWState exportState() {
        List<Long> stepList = new ArrayList<>();
        List<float[]> m = new ArrayList<>();
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            stepList.add(steps[i]);
            m.add(firstMoments.get(i).toFloatArray());
            v.add(secondMoments.get(i).toFloatArray());
        }
        return new AdamWState(stepList, m, v);
    }

    /** Replaces the state with {@code state}, shaping the moments like {@code params} (same order as exported). */
    public void restore(AdamWState state, List<NDArray> params) {
        if (state.steps().size() != params.size()) {
            throw new IllegalArgumentException("state has " + state.steps().size() + " parameters, got "
                    + params.size());
        }
        clearState();
        stateManager = params.get(0).getManager().newSubManager();
        steps = new long[params.size()];
        for (int i = 0; i < params.size(); i++) {
            NDArray param = params.get(i);
            if (state.firstMoments().get(i).length != param.size()) {
                throw new IllegalArgumentException("moment " + i + " has " + state.firstMoments().get(i).length
                        + " values, parameter has " + param.size());
            }
            steps[i] = state.steps().get(i);
            firstMoments.add(stateManager.create(state.firstMoments().get(i), param.getShape()));
            secondMoments.add(stateManager.create(state.secondMoments().get(i), param.getShape()));
        }
    }

    private void ensureState(List<NDArray> params) {
        if (stateManager != null) {
            if (params.size() != steps.length) {
                throw new IllegalArgumentException("the optimiser was built for " + steps.length
                        + " parameters, got " + params.size());
            }
            return;
        }
        stateManager = params.get(0).getManager().newSubManager();
        steps = new long[params.size()];
        for (NDArray param : params) {
            firstMoments.add(stateManager.zeros(param.getShape(), param.getDataType()));
            secondMoments.add(stateManager.zeros(param.getShape(), param.getDataType()));
        }
    }

    private void clearState() {
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
        firstMoments.clear();
        secondMoments.clear();
        steps = new long[0];
    }

    @Override
    public void close() {
        clearState();
    }
}
