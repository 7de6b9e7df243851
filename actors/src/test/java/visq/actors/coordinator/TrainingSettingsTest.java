package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
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
        assertEquals(SamplingSettings.sampling(1.0, 50, 1.0, 96).withConstrainedAnswers(true),
                read("visq.training.sampling.constrained-answers = on").sampling(), "the experiment's knob");
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        for (String[] bad : new String[][] {{"visq.training.sampling.max-new-tokens", "0"},
                {"visq.training.sampling.max-new-tokens", "many"}, {"visq.training.max-staleness", "-1"},
                {"visq.training.prompts-per-step", "a few"}, {"visq.training.rollout-timeout", "soon"},
                {"visq.training.recipe", "\"guess\""}, {"visq.training.group-size", "1"},
                {"visq.training.tasks", "[\"rank\"]"}, {"visq.training.tasks", "[]"}}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> read(bad[0] + " = " + bad[1]));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void theDefaultColdStartGivesTheDegradationTaskHalfItsStepsAndGrpoOneInThree() {
        // reference.conf: tasks [degradation, score, score-number], cold-start-task-shares {degradation = 2}
        TrainingSettings settings = read("");
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.DEGRADATION,
                QualityTask.SCORE_NUMBER), settings.coldStartTurn().order());
        assertEquals(settings.tasks(), settings.grpoTurn().order());
        long degradationSteps = LongStream.rangeClosed(1, 3000)
                .filter(step -> settings.coldStartTaskOf(step) == QualityTask.DEGRADATION).count();
        assertEquals(1500, degradationSteps); // two of every four steps
        assertEquals(QualityTask.SCORE_NUMBER, settings.grpoTaskOf(3003)); // (3003 - 1) mod 3 = 2
    }

    @Test
    void sharesFollowTheRunsTasks() {
        // a user who trains the score tasks only keeps the default's shares without naming them: degradation takes
        // no steps
        TrainingSettings scoreOnly = read("visq.training.tasks = [score, score-number]");
        assertEquals(List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER), scoreOnly.coldStartTurn().order());
        TrainingSettings grpoWeighted = read("visq.training.grpo-task-shares { score-number = 3 }");
        // score-number leads (3 left), then degradation, score-number, score, score-number
        assertEquals(List.of(QualityTask.SCORE_NUMBER, QualityTask.DEGRADATION, QualityTask.SCORE_NUMBER,
                QualityTask.SCORE, QualityTask.SCORE_NUMBER), grpoWeighted.grpoTurn().order());
    }

    @Test
    void aTaskNamedTwiceOrABadShareIsRefusedNamingWhatIsWrong() {
        String[][] cases = {
            {"visq.training.tasks = [score, degradation, score]", "names a task twice"},
            {"visq.training.cold-start-task-shares { degradation = 0 }",
                "visq.training.cold-start-task-shares.degradation must be at least 1, got 0"},
            {"visq.training.grpo-task-shares { rank = 2 }", "visq.training.grpo-task-shares: unknown task 'rank'"},
            {"visq.training.grpo-task-shares { score = many }", "visq.training.grpo-task-shares"}};
        for (String[] bad : cases) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> read(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }
}
