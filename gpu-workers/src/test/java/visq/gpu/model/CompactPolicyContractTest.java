package visq.gpu.model;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;

/** The compact policy against the {@link PolicyModel} contract. */
class CompactPolicyContractTest extends PolicyModelContractTest {

    @Override
    protected PolicyModel newModel() {
        return CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
    }

    @Override
    protected PolicyModel newModelWithOtherWeights() {
        return CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault().withInitSeed(77), Device.cpu());
    }

    @Override
    protected PolicyModel newModelOfAnotherBase() {
        CompactModelConfig d = CompactModelConfig.compactDefault();
        return CompactVisionLanguagePolicy.create(new CompactModelConfig("visq-compact-other", d.viewSize(),
                d.patchSize(), d.dModel(), d.layers(), d.heads(), d.ffDim(), d.maxSequence(), d.initSeed()),
                Device.cpu());
    }

    @Override
    protected List<PolicyPrompt> prompts() {
        List<PolicyPrompt> prompts = new ArrayList<>();
        QualityTask[] tasks = QualityTask.values();
        for (int i = 0; i < 5; i++) {
            prompts.add(TestPrompts.prompt(tasks[i % tasks.length], 60 + i));
        }
        return prompts;
    }
}
