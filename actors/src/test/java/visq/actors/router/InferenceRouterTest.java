package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.QualityTask;

/**
 * Routing decisions of the inference router. The workers are test probes standing in for device workers
 * (their model is not what is tested here); everything else is the real actor.
 */
class InferenceRouterTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final ImageTensor IMAGE = ImageTensor.of(2, 2, new byte[12]);

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static TestProbe<RolloutWorker.Command> registeredWorker() {
        TestProbe<RolloutWorker.Command> worker = TEST_KIT.createTestProbe();
        TestProbe<Receptionist.Registered> registered = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(RolloutWorker.KEY, worker.getRef(),
                registered.getRef()));
        registered.receiveMessage();
        return worker;
    }

    private static ActorRef<InferenceRouter.Command> router(Duration timeout) {
        return TEST_KIT.spawn(InferenceRouter.create(new InferenceRouter.Settings(timeout, 16, 64)));
    }

    private static void awaitWorkers(ActorRef<InferenceRouter.Command> router, int workers, long newest) {
        TestProbe<InferenceRouter.ServingState> state = TEST_KIT.createTestProbe();
        state.awaitAssert(() -> {
            router.tell(new InferenceRouter.GetServingState(state.getRef()));
            InferenceRouter.ServingState serving = state.receiveMessage();
            assertEquals(newest, serving.newestVersion());
            assertEquals(workers, serving.workers());
            return null;
        });
    }

    @Test
    void newestVersionIsServedAndPinnedVersionsAreHonoured() {
        TestProbe<RolloutWorker.Command> old = registeredWorker();
        TestProbe<RolloutWorker.Command> current = registeredWorker();
        ActorRef<InferenceRouter.Command> router = router(Duration.ofSeconds(3));
        router.tell(new InferenceRouter.WorkerVersionChanged(old.getRef(), "old", 3));
        router.tell(new InferenceRouter.WorkerVersionChanged(current.getRef(), "current", 5));
        awaitWorkers(router, 2, 5);

        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.RoutePrompt("r1", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        RolloutWorker.AnswerPrompt toNewest = current.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        toNewest.replyTo().tell(new RolloutWorker.Answered("r1", "text", 5, "current", "m"));
        assertEquals(new RolloutWorker.Answered("r1", "text", 5, "current", "m"), client.receiveMessage());
        old.expectNoMessage(Duration.ofMillis(100));

        router.tell(new InferenceRouter.RoutePrompt("r2", QualityTask.SCORE, List.of(IMAGE), 3, client.getRef()));
        RolloutWorker.AnswerPrompt toPinned = old.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        assertEquals("r2", toPinned.requestId());
        assertTrue(toPinned.sampling().greedy(), "online scoring decodes greedily");

        router.tell(new InferenceRouter.RoutePrompt("r3", QualityTask.SCORE, List.of(IMAGE), 9, client.getRef()));
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertTrue(failed.reason().contains("pinned weight version 9"), failed.reason());
    }

    @Test
    void aSilentWorkerTimesOutWithAReasonAndTheRouterKeepsServing() {
        TestProbe<RolloutWorker.Command> silent = registeredWorker();
        ActorRef<InferenceRouter.Command> router = router(Duration.ofMillis(300));
        router.tell(new InferenceRouter.WorkerVersionChanged(silent.getRef(), "silent", 1));
        awaitWorkers(router, 1, 1);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.RoutePrompt("r1", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        silent.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage(Duration.ofSeconds(3));
        assertTrue(failed.reason().contains("did not answer within 300 ms"), failed.reason());

        router.tell(new InferenceRouter.RoutePrompt("r2", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        RolloutWorker.AnswerPrompt next = silent.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        next.replyTo().tell(new RolloutWorker.Answered("r2", "ok", 1, "silent", "m"));
        assertEquals("ok", ((RolloutWorker.Answered) client.receiveMessage()).text());
    }

    @Test
    void requestsOverTheInFlightLimitAreRefusedNotQueued() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router =
                TEST_KIT.spawn(InferenceRouter.create(new InferenceRouter.Settings(Duration.ofSeconds(3), 16, 1)));
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", 2));
        awaitWorkers(router, 1, 2);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.RoutePrompt("r1", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        RolloutWorker.AnswerPrompt first = worker.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        router.tell(new InferenceRouter.RoutePrompt("r2", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        RolloutWorker.AnswerFailed refused = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertEquals(RolloutWorker.FailureKind.OVERLOADED, refused.kind());
        worker.expectNoMessage(Duration.ofMillis(100));
        first.replyTo().tell(new RolloutWorker.Answered("r1", "ok", 2, "w", "m"));
        client.expectMessageClass(RolloutWorker.Answered.class);
        router.tell(new InferenceRouter.RoutePrompt("r3", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        worker.expectMessageClass(RolloutWorker.AnswerPrompt.class); // capacity is back after the answer
    }

    @Test
    void noWorkersMeansAnExplicitFailure() {
        ActorRef<InferenceRouter.Command> router = router(Duration.ofSeconds(1));
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.RoutePrompt("r1", QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertTrue(failed.reason().contains("no rollout worker"), failed.reason());
    }
}
