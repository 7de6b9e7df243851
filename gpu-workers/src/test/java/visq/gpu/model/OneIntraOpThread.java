package visq.gpu.model;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(OneIntraOpThread.class)}: the test class runs PyTorch's intra-op work on one thread (tiny ops:
 * one thread avoids OpenMP contention and keeps sums in one order) and restores the previous count after it.
 */
public final class OneIntraOpThread implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OneIntraOpThread.class);
    private static final String PREVIOUS = "previous-intra-op-threads";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(PREVIOUS, PolicyModels.setIntraOpThreads(1));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PolicyModels.setIntraOpThreads(context.getStore(NAMESPACE).get(PREVIOUS, Integer.class));
    }
}
