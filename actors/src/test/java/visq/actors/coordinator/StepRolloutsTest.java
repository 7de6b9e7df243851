package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.tasks.QualityTask;

/** Which worker holds each part of a step, and which attempt's answer the step still waits on. */
class StepRolloutsTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static ActorRef<RolloutWorker.Command> worker() {
        return TEST_KIT.<RolloutWorker.Command>createTestProbe().getRef();
    }

    private static StepRollouts stepWithTwoParts() {
        List<PromptRef> prompts = List.of(new PromptRef("a", QualityTask.DEGRADATION),
                new PromptRef("b", QualityTask.DEGRADATION));
        StepRollouts rollouts = new StepRollouts(3, prompts, List.of());
        rollouts.addPart(prompts.subList(0, 1));
        rollouts.addPart(prompts.subList(1, 2));
        return rollouts;
    }

    @Test
    void thePartsOfAWorkerThatLeftAreOutsideTheLiveWorkers() {
        ActorRef<RolloutWorker.Command> stays = worker();
        ActorRef<RolloutWorker.Command> leaves = worker();
        StepRollouts rollouts = stepWithTwoParts();
        rollouts.heldBy(3000, stays, rollouts.countAttempt(3000));
        rollouts.heldBy(3001, leaves, rollouts.countAttempt(3001));

        assertEquals(List.of(), rollouts.partsOutside(List.of(stays, leaves)));
        assertEquals(List.of(3001L), rollouts.partsOutside(List.of(stays)));

        rollouts.complete(3001, List.of());
        assertEquals(List.of(), rollouts.partsOutside(List.of(stays)), "a completed part is held by no one");
    }

    @Test
    void aReDispatchSupersedesTheEarlierAttempt() {
        ActorRef<RolloutWorker.Command> first = worker();
        ActorRef<RolloutWorker.Command> second = worker();
        StepRollouts rollouts = stepWithTwoParts();
        int attempt1 = rollouts.countAttempt(3000);
        rollouts.heldBy(3000, first, attempt1);
        int attempt2 = rollouts.countAttempt(3000);
        rollouts.heldBy(3000, second, attempt2);

        assertEquals(2, attempt2);
        assertFalse(rollouts.isCurrentAttempt(3000, attempt1), "the first worker's late failure is ignored");
        assertTrue(rollouts.isCurrentAttempt(3000, attempt2));
        assertEquals(second, rollouts.holderOf(3000));
    }

    @Test
    void aReleasedPartWaitsForAWorkerAndIgnoresItsEarlierAttempts() {
        ActorRef<RolloutWorker.Command> gone = worker();
        StepRollouts rollouts = stepWithTwoParts();
        int attempt = rollouts.countAttempt(3000);
        rollouts.heldBy(3000, gone, attempt);
        rollouts.release(3000);

        assertNull(rollouts.holderOf(3000));
        assertFalse(rollouts.isCurrentAttempt(3000, attempt));
        assertTrue(rollouts.partsOutside(List.of(worker())).contains(3000L), "dispatched when a worker comes");
        assertTrue(rollouts.isOutstanding(3000), "no data is lost while it waits");
    }
}
