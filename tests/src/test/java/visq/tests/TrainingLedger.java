package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import visq.actors.cluster.DataSettings;
import visq.actors.cluster.TrainingCorpus;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.learner.TrainingHistory;
import visq.gpu.tasks.QualityTask;
import visq.protocol.artifacts.StepRecord;

/**
 * The ledger of a run: the {@link StepRecord}s the learner writes beside its checkpoints, each naming the
 * prompts (sample ids) it trained on. Checks what failures must not change: every step recorded once, in order,
 * and within one pass over the training prompts no prompt lost and none trained twice.
 */
final class TrainingLedger {
    private final List<StepRecord> steps;

    private TrainingLedger(List<StepRecord> steps) {
        this.steps = List.copyOf(steps);
    }

    static TrainingLedger read(Path checkpoints) throws IOException {
        return new TrainingLedger(TrainingHistory.read(checkpoints));
    }

    List<StepRecord> steps() {
        return steps;
    }

    List<StepRecord> grpoSteps() {
        return steps.stream().filter(r -> r.getPhase().equals("GRPO")).toList();
    }

    /** Steps 1..{@code total}, each exactly once and in order. */
    void assertStepsOneToTotal(int total) {
        assertEquals(total, steps.size(), "steps recorded: " + steps.stream().map(StepRecord::getStep).toList());
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, steps.get(i).getStep(), "record " + i + " of the ledger");
        }
    }

    /**
     * For a run on one task: every GRPO step trained {@code promptsPerStep} prompts and, over all steps (the cold
     * start takes its prompts from the same plan), each prompt exactly once: none lost, none duplicated. The run
     * must stay within one pass over the task's training prompts of the run in {@code workDir}.
     */
    void assertNoPromptLostOrDuplicated(int promptsPerStep, Path workDir) {
        assertNoPromptLostOrDuplicated(promptsPerStep, workDir, Map.of());
    }

    /** As above, for a small run whose data settings {@code overrides} change (more Kodak sources, say). */
    void assertNoPromptLostOrDuplicated(int promptsPerStep, Path workDir, Map<String, Object> overrides) {
        Map<String, Integer> trained = new HashMap<>();
        int seen = 0;
        for (StepRecord record : steps) {
            if (record.getPhase().equals("GRPO")) {
                assertEquals(promptsPerStep, record.getSampleIdsCount(), "prompts trained in step " + record.getStep());
            }
            for (String id : record.getSampleIdsList()) {
                trained.merge(id, 1, Integer::sum);
                seen++;
            }
        }
        int trainingPrompts = degradationTrainingPrompts(workDir, overrides);
        assertTrue(seen <= trainingPrompts,
                "the check needs at most one pass over the " + trainingPrompts + " training prompts, saw " + seen);
        trained.forEach((id, count) -> assertEquals(1, count, "prompt " + id + " trained " + count + " times"));
        assertEquals(seen, trained.size(), "no prompt lost or repeated");
    }

    /** The degradation-task training prompts of the small run in {@code workDir} (its data already generated). */
    private static int degradationTrainingPrompts(Path workDir, Map<String, Object> overrides) {
        Config run = TestClusters.smallRun(workDir, overrides).resolve();
        return TrainingCorpus.load(DataSettings.fromConfig(run)).trainingData(TrainingSettings.fromConfig(run))
                .prompts(QualityTask.DEGRADATION).size();
    }
}
