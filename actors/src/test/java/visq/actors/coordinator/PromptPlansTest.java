package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import visq.actors.learner.PlanCursor;
import visq.actors.rollout.PromptRef;
import visq.gpu.tasks.QualityTask;

class PromptPlansTest {
    private static final List<PromptRef> PROMPTS = IntStream.range(0, 40)
            .mapToObj(i -> new PromptRef("s" + i, QualityTask.SCORE)).toList();

    private static PromptPlans plans(double holdout) {
        return new PromptPlans(List.of(QualityTask.SCORE), task -> List.of(new TrainingData.DatasetPrompts("d",
                PROMPTS)), 7, holdout);
    }

    private static List<PromptRef> prompts(String dataset, int count) {
        return IntStream.range(0, count).mapToObj(i -> new PromptRef(dataset + "/" + i, QualityTask.SCORE)).toList();
    }

    /** Plans over two datasets of the score task: "big" with 30 prompts, "small" with 10. */
    private static PromptPlans twoDatasets(double holdout) {
        return new PromptPlans(List.of(QualityTask.SCORE), task -> List.of(
                new TrainingData.DatasetPrompts("big", prompts("big", 30)),
                new TrainingData.DatasetPrompts("small", prompts("small", 10))), 7, holdout);
    }

    /** Plans over "big" ({@code bigSize} prompts) and "small" (10) with the dataset weights of {@code hocon}. */
    private static PromptPlans weighted(int bigSize, String hocon) {
        return new PromptPlans(List.of(QualityTask.SCORE), task -> List.of(
                new TrainingData.DatasetPrompts("big", prompts("big", bigSize)),
                new TrainingData.DatasetPrompts("small", prompts("small", 10))), 7, 0,
                DatasetWeights.fromConfig(ConfigFactory.parseString(hocon)));
    }

    private static String datasetOf(List<PromptRef> prompts) {
        Set<String> datasets = new HashSet<>();
        prompts.forEach(p -> datasets.add(p.sampleId().substring(0, p.sampleId().indexOf('/'))));
        assertEquals(1, datasets.size(), "one dataset per step: " + prompts);
        return datasets.iterator().next();
    }

    @Test
    void eachStepTakesItsPromptsFromOneDatasetInProportionToItsSize() {
        PromptPlans plans = twoDatasets(0);
        List<String> order = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            order.add(datasetOf(plans.take(QualityTask.SCORE, 2, false)));
        }
        // 40 prompts taken, 2 a step: the 30-prompt set walked in 15 steps and the 10-prompt set in 5, interleaved
        assertEquals(15, order.stream().filter("big"::equals).count());
        assertEquals(5, order.stream().filter("small"::equals).count());
        assertEquals(List.of("big", "small", "big", "big", "big"), order.subList(0, 5));
    }

    @Test
    void datasetWeightsScaleEachDatasetsShareOfSteps() {
        // "big" weighs 1/4: 40 × 1/4 = 10 against "small"'s 10 × 1, so the two alternate (a tie goes to the first);
        // unweighted, big would take 4 steps in 5 (eachStepTakesItsPromptsFromOneDatasetInProportionToItsSize)
        PromptPlans plans = weighted(40, "visq.training.dataset-weights.score.big = 0.25");
        List<String> order = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            order.add(datasetOf(plans.take(QualityTask.SCORE, 2, false)));
        }
        // counted by hand: after k steps of each, big has walked (2k / 40) / (1/4) = k/5 of its weighted prompts and
        // small 2k / 10 = k/5
        assertEquals(10, order.stream().filter("big"::equals).count(), order.toString());
        assertEquals(10, order.stream().filter("small"::equals).count(), order.toString());
        assertEquals(List.of("big", "small", "big", "small"), order.subList(0, 4));
    }

    @Test
    void aWeightOfADatasetThatDoesNotServeTheTaskTakesNoPartAndABadWeightIsRefusedNamingItsKey() {
        PromptPlans weighted = weighted(30,
                "visq.training.dataset-weights.score.elsewhere = 0.5\nvisq.training.dataset-weights.degradation.x = 2");
        PromptPlans plain = twoDatasets(0);
        for (int step = 0; step < 20; step++) {
            assertEquals(plain.take(QualityTask.SCORE, 2, false), weighted.take(QualityTask.SCORE, 2, false));
        }
        for (String bad : List.of("score.clive = 0", "score.clive = -1", "rank.clive = 1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetWeights.fromConfig(
                    ConfigFactory.parseString("visq.training.dataset-weights." + bad)));
            assertTrue(e.getMessage().contains("visq.training.dataset-weights"), e.getMessage());
        }
    }

    @Test
    void restoredCursorsOfSeveralDatasetsGiveTheSamePrompts() {
        PromptPlans uninterrupted = twoDatasets(0.25);
        for (int i = 0; i < 5; i++) {
            uninterrupted.take(QualityTask.SCORE, 3, true);
        }
        List<PlanCursor> cursors = uninterrupted.cursors(true);
        assertEquals(List.of("big", "small"), cursors.stream().map(PlanCursor::dataset).toList());
        PromptPlans resumed = twoDatasets(0.25);
        resumed.restore(cursors, true);
        for (int i = 0; i < 6; i++) {
            assertEquals(uninterrupted.take(QualityTask.SCORE, 3, true), resumed.take(QualityTask.SCORE, 3, true));
        }
    }

    @Test
    void aCursorWithoutADatasetBelongsToTheTasksFirstDataset() {
        PromptPlans moved = twoDatasets(0);
        moved.restore(List.of(new PlanCursor(QualityTask.SCORE, "", 0, 29)), false);
        PromptPlans fresh = twoDatasets(0);
        fresh.take(QualityTask.SCORE, 29, false);
        assertEquals(fresh.cursors(false), moved.cursors(false));
    }

    private static Set<PromptRef> drain(PromptPlans plans, boolean grpo, int count) {
        return new HashSet<>(plans.take(QualityTask.SCORE, count, grpo));
    }

    @Test
    void aHoldoutSplitsThePromptsIntoDisjointPhases() {
        // 0.25 of 40 prompts = 10 for GRPO, 30 for the cold start (one epoch of each taken below)
        PromptPlans plans = plans(0.25);
        Set<PromptRef> coldStart = drain(plans, false, 30);
        Set<PromptRef> grpo = drain(plans, true, 10);
        assertEquals(30, coldStart.size());
        assertEquals(10, grpo.size());
        assertTrue(coldStart.stream().noneMatch(grpo::contains), "no GRPO prompt in the cold start");
        assertEquals(grpo, drain(plans, true, 10), "the next GRPO epoch visits the same held-out prompts");
    }

    @Test
    void withoutAHoldoutGrpoContinuesTheColdStartPlan() {
        PromptPlans plans = plans(0);
        Set<PromptRef> first = drain(plans, false, 25);
        Set<PromptRef> rest = drain(plans, true, 15);
        assertTrue(first.stream().noneMatch(rest::contains));
        assertEquals(40, first.size() + rest.size());
    }

    @Test
    void restoredCursorsGiveTheSamePromptsAsAnUninterruptedPlan() {
        PromptPlans uninterrupted = plans(0.25);
        uninterrupted.take(QualityTask.SCORE, 7, true);
        List<PlanCursor> cursors = uninterrupted.cursors(true);
        PromptPlans resumed = plans(0.25);
        resumed.restore(cursors, true);
        assertEquals(uninterrupted.take(QualityTask.SCORE, 9, true), resumed.take(QualityTask.SCORE, 9, true));
        assertEquals(new ArrayList<>(plans(0.25).take(QualityTask.SCORE, 5, false)),
                resumed.take(QualityTask.SCORE, 5, false), "the cold start's plan was not moved");
    }

    @Test
    void aHoldoutThatLeavesAPhaseEmptyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> plans(0.01));
        assertThrows(IllegalArgumentException.class, () -> plans(1.0));
    }

    @Test
    void rankingBlocksTrainInGrpoOnlyBesideTheTasksOtherDatasets() {
        PromptPlans plans = new PromptPlans(List.of(QualityTask.SCORE), task -> List.of(
                new TrainingData.DatasetPrompts("ranked", prompts("ranked", 40), 4),
                new TrainingData.DatasetPrompts("mos", prompts("mos", 10))), 7, 0);
        for (int step = 0; step < 10; step++) {
            assertEquals("mos", datasetOf(plans.take(QualityTask.SCORE, 4, false)), "cold start: never a block");
        }
        List<String> grpo = new ArrayList<>();
        for (int step = 0; step < 10; step++) {
            List<PromptRef> taken = plans.take(QualityTask.SCORE, 4, true);
            grpo.add(datasetOf(taken));
            if (grpo.get(step).equals("ranked")) {
                int block = Integer.parseInt(taken.get(0).sampleId().substring("ranked/".length())) / 4;
                taken.forEach(p -> assertEquals(block,
                        Integer.parseInt(p.sampleId().substring("ranked/".length())) / 4, "one block: " + taken));
            }
        }
        // 40 ranked and 10 MOS prompts, 4 a step: by share walked, 8 steps of blocks and 2 (then a third) of MOS
        assertEquals(8, grpo.stream().filter("ranked"::equals).count(), grpo.toString());
    }

    @Test
    void aTaskServedOnlyByRankingBlocksKeepsThemInTheColdStart() {
        PromptPlans plans = new PromptPlans(List.of(QualityTask.SCORE), task -> List.of(
                new TrainingData.DatasetPrompts("ranked", prompts("ranked", 8), 4)), 7, 0);
        assertEquals("ranked", datasetOf(plans.take(QualityTask.SCORE, 4, false)));
    }
}
