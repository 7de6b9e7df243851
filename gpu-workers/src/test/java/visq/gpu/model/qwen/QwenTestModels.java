package visq.gpu.model.qwen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.SafetensorsFile;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/** Qwen policies and prompts over the committed fixtures, for tests. */
final class QwenTestModels {

    private QwenTestModels() {}

    /** The adapter the fixtures' PEFT adapter has: rank 4, alpha 8, no dropout, q/k/v/o. */
    static LoraSettings fixtureLora() {
        return new LoraSettings(4, 8, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), 99L);
    }

    static QwenVisionLanguagePolicy policy(String variant, LoraSettings lora) {
        QwenModelConfig config = QwenModelConfig.forCheckpoint(QwenFixtures.checkpoint(variant), lora, 4096);
        return (QwenVisionLanguagePolicy) config.newModel(Device.cpu());
    }

    /** The fixtures' prompt1: the score task's texts with images/small.png. */
    static PolicyPrompt prompt1(String variant) {
        return PromptCatalogue.prompt(QualityTask.SCORE, List.of(resized(variant, "small.png")));
    }

    /** A fixture image as the variant's image processor prepares it. */
    static ImageTensor resized(String variant, String name) {
        QwenImageProcessor processor = new QwenImageProcessor(
                QwenCheckpoint.read(QwenFixtures.checkpoint(variant)).imageProcessor());
        return processor.resize(image(name));
    }

    static BufferedImage image(String name) {
        Path file = QwenFixtures.ROOT.resolve("images").resolve(name);
        try {
            return ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] promptIds(QwenVisionLanguagePolicy policy, PolicyPrompt prompt) {
        return policy.encode(prompt).ids();
    }
}
