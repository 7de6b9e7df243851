package visq.gpu.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds a {@link PolicyModel} from a {@link PolicyModelConfig} and a device name. */
public final class PolicyModels {

    private static final Pattern DEVICE = Pattern.compile("([a-z]+):?([0-9]*)");

    private PolicyModels() {}

    /**
     * A model for {@code config} on {@code deviceName} ("cpu", "gpu", "gpu:0", "gpu1"): the config's family decides
     * the implementation.
     *
     * @throws IllegalArgumentException for a malformed device name or a GPU that the engine does not see
     */
    public static PolicyModel create(PolicyModelConfig config, String deviceName) {
        return config.newModel(parseDevice(deviceName));
    }

    /**
     * Sets PyTorch's process-wide intra-op thread count and returns the previous one (no-op returning -1 on another
     * engine). The compact model's operations are tiny, so on a shared CPU one thread is fastest: with two threads
     * on two busy cores, OpenMP waits made generation 10-40x slower in our measurements. A worker that owns the
     * machine may prefer the default (2 threads trained batch 16 about 20% faster on an idle machine). Deployments
     * can set the same with the system property {@code ai.djl.pytorch.num_threads} before the engine starts.
     */
    public static int setIntraOpThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("thread count must be positive, got " + threads);
        }
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return -1;
        }
        int previous = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        return previous;
    }

    /** Parses "cpu", "gpu", "gpu:N" or "gpuN"; a GPU must exist. */
    public static Device parseDevice(String deviceName) {
        Matcher m = DEVICE.matcher(deviceName == null ? "" : deviceName.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed device name '" + deviceName + "'");
        }
        String type = m.group(1);
        int id = m.group(2).isEmpty() ? 0 : Integer.parseInt(m.group(2));
        if (type.equals("cpu")) {
            return Device.cpu();
        }
        if (!type.equals("gpu")) {
            throw new IllegalArgumentException("unknown device type '" + type + "' in '" + deviceName + "'");
        }
        int gpus = Engine.getInstance().getGpuCount();
        if (id >= gpus) {
            throw new IllegalArgumentException("device " + deviceName + " requested but the engine sees " + gpus
                    + " GPU(s)");
        }
        return Device.gpu(id);
    }
}
