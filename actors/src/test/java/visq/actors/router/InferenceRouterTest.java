package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
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
 * (their model is not what is tested here); everything else is the real actor. Its batching and timeout timers run on
 * {@link ManualTime}.
 */
class InferenceRouterTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
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

    /**
     * Waits until the router has taken every request sent before (its timers are set by then) and returns how many it
     * holds: the same sender's messages arrive in order.
     */
    private static int inFlight(ActorRef<InferenceRouter.Command> router) {
        TestProbe<InferenceRouter.ServingState> state = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.GetServingState(state.getRef()));
        return state.receiveMessage().inFlight();
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

        router.tell(new InferenceRouter.RoutePrompt("r3", QualityTask.SCORE, List.of(IMAGE), 4, client.getRef()));
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertEquals(RolloutWorker.FailureKind.PINNED_VERSION_UNAVAILABLE, failed.kind(), "4 was produced, not held");
        assertTrue(failed.reason().contains("pinned weight version 4"), failed.reason());

        router.tell(new InferenceRouter.RoutePrompt("r4", QualityTask.SCORE, List.of(IMAGE), 9, client.getRef()));
        RolloutWorker.AnswerFailed never = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertEquals(RolloutWorker.FailureKind.PINNED_VERSION_NEVER_PRODUCED, never.kind(), never.reason());
        assertTrue(never.reason().contains("(newest: 5)"), never.reason());
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
        TIME.timePasses(Duration.ofMillis(299));
        client.expectNoMessage(Duration.ofMillis(50));
        TIME.timePasses(Duration.ofMillis(1));
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
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

    private static ActorRef<InferenceRouter.Command> batchingRouter(int maxInFlight, int maxBatchSize,
            Duration maxBatchWait) {
        return TEST_KIT.spawn(InferenceRouter.create(new InferenceRouter.Settings(Duration.ofSeconds(5), 16,
                maxInFlight, maxBatchSize, maxBatchWait)));
    }

    private static void route(ActorRef<InferenceRouter.Command> router, String requestId,
            TestProbe<RolloutWorker.AnswerOutcome> client) {
        router.tell(new InferenceRouter.RoutePrompt(requestId, QualityTask.SCORE, List.of(IMAGE), 0, client.getRef()));
    }

    @Test
    void requestsWithinTheWaitGoAsOneBatchAndEachClientGetsItsOwnReply() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router = batchingRouter(64, 8, Duration.ofMillis(300));
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", 4));
        awaitWorkers(router, 1, 4);
        List<TestProbe<RolloutWorker.AnswerOutcome>> clients = List.of(TEST_KIT.createTestProbe(),
                TEST_KIT.createTestProbe(), TEST_KIT.createTestProbe());
        for (int i = 0; i < clients.size(); i++) {
            route(router, "r" + i, clients.get(i));
        }
        assertEquals(3, inFlight(router));
        TIME.timePasses(Duration.ofMillis(299));
        worker.expectNoMessage(Duration.ofMillis(50)); // still inside the wait
        TIME.timePasses(Duration.ofMillis(1));
        RolloutWorker.AnswerPrompts batch = worker.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(List.of("r0", "r1", "r2"),
                batch.prompts().stream().map(RolloutWorker.BatchedPrompt::requestId).toList());
        assertTrue(batch.sampling().greedy(), "online scoring decodes greedily");
        for (int i = clients.size() - 1; i >= 0; i--) { // answers in any order reach their own client
            batch.prompts().get(i).replyTo().tell(new RolloutWorker.Answered("r" + i, "text " + i, 4, "w", "m"));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEquals(new RolloutWorker.Answered("r" + i, "text " + i, 4, "w", "m"), clients.get(i).receiveMessage());
            clients.get(i).expectNoMessage(Duration.ofMillis(20));
        }
        TestProbe<InferenceRouter.ServingState> state = TEST_KIT.createTestProbe();
        router.tell(new InferenceRouter.GetServingState(state.getRef()));
        assertEquals(0, state.receiveMessage().inFlight());

        TestProbe<RolloutWorker.AnswerOutcome> alone = TEST_KIT.createTestProbe();
        route(router, "lone", alone); // a lone request goes as it always did once the wait is over
        assertEquals(1, inFlight(router));
        worker.expectNoMessage(Duration.ofMillis(50));
        TIME.timePasses(Duration.ofMillis(300));
        assertEquals("lone", worker.expectMessageClass(RolloutWorker.AnswerPrompt.class).requestId());
    }

    @Test
    void aFullBatchGoesAtOnceAndEachRequestTimesOutOnItsOwn() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router = TEST_KIT.spawn(InferenceRouter.create(new InferenceRouter.Settings(
                Duration.ofMillis(500), 16, 64, 3, Duration.ofSeconds(30))));
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", 1));
        awaitWorkers(router, 1, 1);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        for (String id : List.of("a", "b", "c", "d")) {
            route(router, id, client);
        }
        // the wait is 30 s and the clock stands still: only a full batch explains a batch
        RolloutWorker.AnswerPrompts full = worker.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(3, full.prompts().size());
        full.prompts().get(1).replyTo().tell(new RolloutWorker.Answered("b", "ok", 1, "w", "m"));
        assertEquals("b", client.receiveMessage().requestId());
        // "a" and "c" were never answered, "d" still waits for company: each times out by itself
        assertEquals(3, inFlight(router));
        TIME.timePasses(Duration.ofMillis(500));
        List<String> timedOut = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
            assertEquals(RolloutWorker.FailureKind.TIMEOUT, failed.kind());
            timedOut.add(failed.requestId());
        }
        assertEquals(java.util.Set.of("a", "c", "d"), java.util.Set.copyOf(timedOut));
        full.prompts().get(0).replyTo().tell(new RolloutWorker.Answered("a", "late", 1, "w", "m"));
        client.expectNoMessage(Duration.ofMillis(100)); // a late answer is dropped
    }

    @Test
    void queuedBatchRequestsCountAgainstTheInFlightLimit() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router = batchingRouter(2, 8, Duration.ofMillis(200));
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", 2));
        awaitWorkers(router, 1, 2);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        route(router, "r1", client);
        route(router, "r2", client);
        route(router, "r3", client);
        RolloutWorker.AnswerFailed refused = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertEquals("r3", refused.requestId());
        assertEquals(RolloutWorker.FailureKind.OVERLOADED, refused.kind());
        worker.expectNoMessage(Duration.ofMillis(50)); // the two wait for company
        TIME.timePasses(Duration.ofMillis(200));
        RolloutWorker.AnswerPrompts batch = worker.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(2, batch.prompts().size());
        batch.prompts().forEach(prompt -> prompt.replyTo().tell(
                new RolloutWorker.Answered(prompt.requestId(), "ok", 2, "w", "m")));
        client.expectMessageClass(RolloutWorker.Answered.class);
        client.expectMessageClass(RolloutWorker.Answered.class);
        route(router, "r4", client); // capacity is back after the answers
        assertEquals(1, inFlight(router));
        TIME.timePasses(Duration.ofMillis(200));
        assertEquals("r4", worker.expectMessageClass(RolloutWorker.AnswerPrompt.class).requestId());
    }

    @Test
    void requestsArrivingWhileTheWorkerAnswersGoTogetherWhenItIsDone() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router = batchingRouter(64, 8, Duration.ofMillis(50));
        announce(router, 3, worker);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        route(router, "first", client);
        assertEquals(1, inFlight(router));
        TIME.timePasses(Duration.ofMillis(50));
        RolloutWorker.AnswerPrompt first = worker.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        for (String id : List.of("a", "b", "c")) {
            route(router, id, client);
        }
        assertEquals(4, inFlight(router));
        TIME.timePasses(Duration.ofMillis(300));
        worker.expectNoMessage(Duration.ofMillis(50)); // six waits over, but the worker has not answered yet
        first.replyTo().tell(new RolloutWorker.Answered("first", "ok", 3, "w", "m"));
        assertEquals("first", client.receiveMessage().requestId());
        RolloutWorker.AnswerPrompts together = worker.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(List.of("a", "b", "c"),
                together.prompts().stream().map(RolloutWorker.BatchedPrompt::requestId).toList());
    }

    @Test
    void aNewBatchGoesToAnIdleWorkerOfItsVersionFirst() {
        List<TestProbe<RolloutWorker.Command>> workers = inRouterOrder(registeredWorker(), registeredWorker());
        ActorRef<InferenceRouter.Command> router = batchingRouter(64, 8, Duration.ofMillis(50));
        announce(router, 6, workers.get(0), workers.get(1));
        TestProbe<RolloutWorker.Command> taker = workers.get(0); // both idle: the first takes the first request
        TestProbe<RolloutWorker.Command> other = workers.get(1);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        route(router, "first", client);
        assertEquals(1, inFlight(router));
        TIME.timePasses(Duration.ofMillis(50));
        assertEquals("first", taker.expectMessageClass(RolloutWorker.AnswerPrompt.class).requestId());
        route(router, "second", client);
        route(router, "third", client);
        assertEquals(3, inFlight(router));
        TIME.timePasses(Duration.ofMillis(50));
        RolloutWorker.AnswerPrompts next = other.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(List.of("second", "third"),
                next.prompts().stream().map(RolloutWorker.BatchedPrompt::requestId).toList());
        taker.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aHeldBatchGoesToTheFirstWorkerOfItsVersionThatIsDone() {
        List<TestProbe<RolloutWorker.Command>> workers = inRouterOrder(registeredWorker(), registeredWorker());
        ActorRef<InferenceRouter.Command> router = batchingRouter(64, 8, Duration.ofMillis(50));
        announce(router, 7, workers.get(0), workers.get(1));
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        route(router, "r1", client);
        assertEquals(1, inFlight(router));
        TIME.timePasses(Duration.ofMillis(50));
        TestProbe<RolloutWorker.Command> first = workers.get(0); // both idle: the first takes the first request
        TestProbe<RolloutWorker.Command> second = workers.get(1);
        first.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        route(router, "r2", client);
        assertEquals(2, inFlight(router));
        TIME.timePasses(Duration.ofMillis(50));
        RolloutWorker.AnswerPrompt r2 = second.expectMessageClass(RolloutWorker.AnswerPrompt.class);
        route(router, "r3", client); // both busy: held past its wait
        assertEquals(3, inFlight(router));
        TIME.timePasses(Duration.ofMillis(200));
        first.expectNoMessage(Duration.ofMillis(50));
        second.expectNoMessage(Duration.ofMillis(1));
        r2.replyTo().tell(new RolloutWorker.Answered("r2", "ok", 7, "w", "m"));
        assertEquals("r3", second.expectMessageClass(RolloutWorker.AnswerPrompt.class).requestId());
        first.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aRequestThatTimesOutBeforeItsBatchLeavesIsNotSent() {
        TestProbe<RolloutWorker.Command> worker = registeredWorker();
        ActorRef<InferenceRouter.Command> router = TEST_KIT.spawn(InferenceRouter.create(new InferenceRouter.Settings(
                Duration.ofMillis(300), 16, 64, 4, Duration.ofSeconds(30))));
        announce(router, 5, worker);
        TestProbe<RolloutWorker.AnswerOutcome> client = TEST_KIT.createTestProbe();
        route(router, "stale", client); // the wait (30 s) outlasts the timeout: it times out in its batch
        assertEquals(1, inFlight(router));
        TIME.timePasses(Duration.ofMillis(300));
        RolloutWorker.AnswerFailed failed = (RolloutWorker.AnswerFailed) client.receiveMessage();
        assertEquals("stale", failed.requestId());
        assertEquals(RolloutWorker.FailureKind.TIMEOUT, failed.kind());
        for (String id : List.of("a", "b", "c", "d")) {
            route(router, id, client);
        }
        // had "stale" stayed in the batch, "c" would have filled it
        RolloutWorker.AnswerPrompts full = worker.expectMessageClass(RolloutWorker.AnswerPrompts.class);
        assertEquals(List.of("a", "b", "c", "d"),
                full.prompts().stream().map(RolloutWorker.BatchedPrompt::requestId).toList());
    }

    /** The two workers in the order the router goes round them (by name). */
    private static List<TestProbe<RolloutWorker.Command>> inRouterOrder(TestProbe<RolloutWorker.Command> a,
            TestProbe<RolloutWorker.Command> b) {
        return a.getRef().toString().compareTo(b.getRef().toString()) < 0 ? List.of(a, b) : List.of(b, a);
    }

    /** {@code workers} tell {@code router} they hold {@code version}; returns once it serves them. */
    @SafeVarargs
    private static void announce(ActorRef<InferenceRouter.Command> router, long version,
            TestProbe<RolloutWorker.Command>... workers) {
        for (TestProbe<RolloutWorker.Command> worker : workers) {
            router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), worker.getRef().path().name(),
                    version));
        }
        awaitWorkers(router, workers.length, version);
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
