package visq.gpu.model.qwen;

import java.util.List;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModelContractTest;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * The tiny Qwen2.5-VL fixture checkpoint against the {@link PolicyModel} contract: prompts of one and three images
 * of two sizes (different token lengths, so {@code answerAll} runs several sub-batches); the model with other
 * weights carries the fixtures' PEFT adapter; another base is the Qwen2-VL fixture.
 */
class QwenPolicyContractTest extends PolicyModelContractTest {

    private static final String VARIANT = "qwen2_5_vl";

    @Override
    protected PolicyModel newModel() {
        return QwenTestModels.policy(VARIANT, QwenTestModels.fixtureLora());
    }

    @Override
    protected PolicyModel newModelWithOtherWeights() {
        QwenVisionLanguagePolicy policy = QwenTestModels.policy(VARIANT, QwenTestModels.fixtureLora());
        policy.setAdapters(PeftAdapterFiles.readTensors(
                QwenFixtures.variant(VARIANT).resolve("adapter"), policy.adapterLayout()));
        return policy;
    }

    @Override
    protected PolicyModel newModelOfAnotherBase() {
        return QwenTestModels.policy("qwen2_vl", QwenTestModels.fixtureLora());
    }

    @Override
    protected List<PolicyPrompt> prompts() {
        ImageTensor small = QwenTestModels.resized(VARIANT, "small.png");
        ImageTensor large = QwenTestModels.resized(VARIANT, "large.png");
        return List.of(
                PromptCatalogue.prompt(QualityTask.SCORE, List.of(small)),
                PromptCatalogue.prompt(QualityTask.COMPARISON, List.of(large, small, large)),
                PromptCatalogue.prompt(QualityTask.SCORE, List.of(large)),
                PromptCatalogue.prompt(QualityTask.DEGRADATION, List.of(small)),
                PromptCatalogue.prompt(QualityTask.SCORE, List.of(small)));
    }
}
