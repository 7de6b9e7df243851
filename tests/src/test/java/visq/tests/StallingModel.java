package visq.tests;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.tasks.PolicyPrompt;

/**
 * A real model whose device stalls once when the test arms it: the next generation says so ({@link #stalled}) and
 * waits until the test releases it (at most 30 s), so a test knows its worker holds a rollout part right now.
 */
final class StallingModel extends ForwardingModel {
    private final AtomicBoolean armed;
    private final CountDownLatch stalled;
    private final CountDownLatch release;

    StallingModel(PolicyModel model, AtomicBoolean armed, CountDownLatch stalled, CountDownLatch release) {
        super(model);
        this.armed = armed;
        this.stalled = stalled;
        this.release = release;
    }

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        if (armed.compareAndSet(true, false)) {
            stalled.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return model.generate(prompt, count, sampling, seed);
    }
}
