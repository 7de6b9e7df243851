package visq.tests;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.tasks.PolicyPrompt;

/**
 * A real model that throws once inside generation, as a device error would: the {@code failAt}-th call to
 * {@link #generate} counted over every model sharing {@code calls} (so a worker restarted with a fresh model does not
 * fail again). Everything else is the real model's.
 */
final class ThrowingModel extends ForwardingModel {
    static final String FAILURE = "injected device failure inside generation";

    private final AtomicInteger calls;
    private final int failAt;

    ThrowingModel(PolicyModel model, AtomicInteger calls, int failAt) {
        super(model);
        this.calls = calls;
        this.failAt = failAt;
    }

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        if (calls.incrementAndGet() == failAt) {
            throw new IllegalStateException(FAILURE);
        }
        return model.generate(prompt, count, sampling, seed);
    }
}
