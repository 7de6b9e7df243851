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
}
