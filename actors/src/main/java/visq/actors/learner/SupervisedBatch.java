package visq.actors.learner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import visq.actors.rollout.PromptImages;
import visq.gpu.model.TextTokenizer;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.training.SupervisedExample;

/** Turns cold-start targets into supervised examples: prompt with its image, target tokens plus the end token. */
final class SupervisedBatch {
    private SupervisedBatch() {}

    static List<SupervisedExample> of(List<SupervisedTarget> targets, PromptImages images, TextTokenizer tokenizer) {
        List<SupervisedExample> examples = new ArrayList<>(targets.size());
        for (SupervisedTarget target : targets) {
            int[] text = tokenizer.encode(target.response());
            int[] withEnd = Arrays.copyOf(text, text.length + 1);
            withEnd[text.length] = tokenizer.eosId();
            examples.add(new SupervisedExample(PromptCatalogue.prompt(target.prompt().task(),
                    List.of(images.imageOf(target.prompt().sampleId()))), withEnd));
        }
        return examples;
    }
}
