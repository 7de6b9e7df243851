package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.PromptRef;
import visq.gpu.tasks.QualityTask;

class EpochPlanTest {
    private static final List<PromptRef> PROMPTS = IntStream.range(0, 10)
            .mapToObj(i -> new PromptRef("s" + i, QualityTask.SCORE)).toList();

    @Test
    void everyPromptOncePerEpochInASeededOrder() {
        EpochPlan.Taken first = EpochPlan.start(PROMPTS, 3).take(10);
        assertEquals(new HashSet<>(PROMPTS), new HashSet<>(first.prompts()));
        assertEquals(1, first.next().epoch());
        assertEquals(first.prompts(), EpochPlan.start(PROMPTS, 3).take(10).prompts());
        assertNotEquals(first.prompts(), first.next().take(10).prompts(), "each epoch reshuffles");
    }

    @Test
    void resumingFromACursorGivesTheSamePrompts() {
        EpochPlan.Taken a = EpochPlan.start(PROMPTS, 9).take(7);
        EpochPlan resumed = new EpochPlan(PROMPTS, 9, a.next().epoch(), a.next().cursor());
        assertEquals(a.next().take(8).prompts(), resumed.take(8).prompts());
    }

    @Test
    void blocksStayTogetherAndAreReshuffledEachEpoch() {
        List<PromptRef> blocked = IntStream.range(0, 24).mapToObj(i -> new PromptRef("b" + (i / 4) + "-" + (i % 4),
                QualityTask.SCORE_NUMBER)).toList();
        EpochPlan plan = EpochPlan.startInBlocks(blocked, 4, 5);
        List<List<String>> firstEpoch = new java.util.ArrayList<>();
        for (int step = 0; step < 6; step++) {
            EpochPlan.Taken taken = plan.take(4);
            List<String> blocks = taken.prompts().stream().map(p -> p.sampleId().substring(0, 2)).distinct().toList();
            assertEquals(1, blocks.size(), "one block per take: " + taken.prompts());
            assertEquals(blocked.subList(Integer.parseInt(blocks.get(0).substring(1)) * 4,
                    Integer.parseInt(blocks.get(0).substring(1)) * 4 + 4), taken.prompts(), "in block order");
            firstEpoch.add(taken.prompts().stream().map(PromptRef::sampleId).toList());
            plan = taken.next();
        }
        assertEquals(1, plan.epoch());
        assertEquals(6, new HashSet<>(firstEpoch).size(), "every block once per epoch");
        assertNotEquals(firstEpoch.get(0), plan.take(4).prompts().stream().map(PromptRef::sampleId).toList(),
                "epoch 1 starts with another block (seed 5)");
        assertEquals(plan.take(4).prompts(), new EpochPlan(blocked, 5, 1, 0, 4).take(4).prompts(), "resumable");
    }

    @Test
    void aBlockSizeThatDoesNotDivideThePromptsIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EpochPlan.startInBlocks(PROMPTS, 4, 1));
        assertEquals("block size 4 does not divide the 10 prompts", e.getMessage());
    }
}
