package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.QualityTask;

/** {@code visq.training} read into {@link TrainingSettings}, G and sampling from the method preset. */
class TrainingSettingsTest {

    private static TrainingSettings read(String hocon) {
        return TrainingSettings.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theEmbeddedDefaultSamplesAsReferenceConfSetBeforeThePresetDroveIt() {
        // group-size 6, temperature 1.0, top-k 50, top-p 1.0, max-new-tokens 96: reference.conf's values at 332df06
        TrainingSettings settings = read("");
        assertEquals(6, settings.groupSize());
        assertEquals(SamplingSettings.sampling(1.0, 50, 1.0, 96), settings.sampling());
        assertEquals(TrainingRecipe.SUPERVISED, settings.recipe());
    }

    @Test
    void groupSizeAndSamplingFollowThePresetUnlessSet() {
        assertEquals(8, read("visq.learner.preset = q-insight").groupSize());
        assertEquals(6, read("visq.learner.preset = q-insight\nvisq.training.group-size = 6").groupSize());
        assertEquals(8, read("visq.training.group-size = 8").groupSize());
        assertEquals(SamplingSettings.sampling(0.7, 50, 1.0, 64),
                read("visq.training.sampling { temperature = 0.7, max-new-tokens = 64 }").sampling());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        for (String[] bad : new String[][] {{"visq.training.sampling.max-new-tokens", "0"},
                {"visq.training.sampling.max-new-tokens", "many"}, {"visq.training.max-staleness", "-1"},
                {"visq.training.prompts-per-step", "a few"}, {"visq.training.rollout-timeout", "soon"},
                {"visq.training.recipe", "\"guess\""}, {"visq.training.group-size", "1"},
                {"visq.training.tasks", "[\"rank\"]"}, {"visq.training.cold-start-tasks", "[\"rank\"]"},
                {"visq.training.cold-start-tasks", "[]"}, {"visq.training.tasks", "[]"}}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> read(bad[0] + " = " + bad[1]));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void eachPhaseTakesItsTasksInTurnAndARepeatedTaskGetsMoreSteps() {
        // reference.conf: tasks [degradation, score, score-number], cold-start-tasks null (the same turn)
        TrainingSettings plain = read("");
        assertEquals(plain.tasks(), plain.coldStartTasks());
        assertEquals(QualityTask.DEGRADATION, plain.coldStartTaskOf(1));
        assertEquals(QualityTask.SCORE_NUMBER, plain.grpoTaskOf(3003)); // (3003 - 1) mod 3 = 2
        TrainingSettings weighted = read("visq.training.cold-start-tasks = [degradation, score, degradation,"
                + " score-number]");
        List<QualityTask> firstTurns = new java.util.ArrayList<>();
        for (long step = 1; step <= 8; step++) {
            firstTurns.add(weighted.coldStartTaskOf(step));
        }
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.DEGRADATION,
                QualityTask.SCORE_NUMBER, QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.DEGRADATION,
                QualityTask.SCORE_NUMBER), firstTurns);
        long degradationSteps = java.util.stream.LongStream.rangeClosed(1, 3000)
                .filter(step -> weighted.coldStartTaskOf(step) == QualityTask.DEGRADATION).count();
        assertEquals(1500, degradationSteps); // half of 3,000: two of every four steps
        assertEquals(QualityTask.SCORE, weighted.grpoTaskOf(3002)); // GRPO keeps tasks' turn: (3002 - 1) mod 3 = 1
        TrainingSettings repeated = read("visq.training.tasks = [score, degradation, score]");
        assertEquals(List.of(QualityTask.SCORE, QualityTask.DEGRADATION), repeated.trainedTasks());
        assertThrows(IllegalArgumentException.class, () -> repeated.grpoTaskOf(0));
    }

    @Test
    void theColdStartCannotTrainATaskTheRunDoesNot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(
                "visq.training.tasks = [score]\nvisq.training.cold-start-tasks = [score, degradation]"));
        assertTrue(e.getMessage().contains("visq.training.cold-start-tasks names degradation"), e.getMessage());
        assertTrue(e.getMessage().contains("[score]"), e.getMessage());
    }
}
