package visq.gpu.training;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's (thread-local) autograd recording off for a block, and restores what was there.
 * Needed around optimiser updates: a parameter that requires gradients may only be changed in place
 * while recording is off, and a fresh thread starts with recording on.
 */
final class AutogradPause implements AutoCloseable {
    private final boolean wasRecording;

    private AutogradPause() {
        this.wasRecording = JniUtils.isGradMode();
        if (wasRecording) {
            JniUtils.setGradMode(false);
        }
    }

    static AutogradPause begin() {
        return new AutogradPause();
    }

    @Override
    public void close() {
        if (wasRecording) {
            JniUtils.setGradMode(true);
        }
    }
}
