package visq.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.weights.WeightPublisher;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * The rollout worker actor around a real compact policy on the CPU. Its askers and version listeners are probes;
 * a device failure is injected by a model that throws from {@code generate} (and otherwise is the real model). The
 * supervisor's back-off runs on {@link ManualTime}.
 */
class RolloutWorkerTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    /** The first back-off with its largest jitter (20 %). */
    private static final Duration FIRST_BACKOFF_AT_MOST = Duration.ofMillis(1200);
    private static final CompactModelConfig CONFIG = CompactModelConfig.compactDefault();
    private static final SamplingSettings SAMPLING = SamplingSettings.sampling(1.0, 50, 1.0, 6);
    private static final Map<String, ImageTensor> IMAGES = Map.of("a", TestImages.image(1), "b", TestImages.image(2));
    private static final PromptImages PROMPT_IMAGES = sampleId -> IMAGES.get(sampleId);
    private static final List<PromptRef> PROMPTS =
            List.of(new PromptRef("a", QualityTask.SCORE), new PromptRef("b", QualityTask.DEGRADATION));
    private static final ServiceKey<String> LISTENERS = ServiceKey.create(String.class, "test-version-listeners");
    private static final String INJECTED = "injected device failure";

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static PolicyModel model() {
        return CompactVisionLanguagePolicy.create(CONFIG, Device.cpu());
    }

    /** A version listener, as a router is: it hears "workerId@version" whenever the worker's version changes. */
    private static TestProbe<String> listener() {
        TestProbe<String> listener = TEST_KIT.createTestProbe();
        TestProbe<Receptionist.Registered> registered = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(LISTENERS, listener.getRef(), registered.getRef()));
        registered.receiveMessage();
        return listener;
    }

    private static ActorRef<RolloutWorker.Command> worker(String workerId, int maxRestarts,
            Supplier<PolicyModel> models) {
        return TEST_KIT.spawn(RolloutWorker.create(new RolloutWorker.Settings(List.of("cpu"), maxRestarts, Duration.ofMinutes(1),
                        MIN_BACKOFF, Duration.ofSeconds(10)),
                workerId, models, PROMPT_IMAGES, new RolloutMetrics(new SimpleMeterRegistry(), workerId),
                new VersionListeners<>(LISTENERS, (worker, id, version) -> id + "@" + version)));
    }

    private static RolloutWorker.GenerateGroups generate(long batchId, long minimumVersion,
            TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> replyTo) {
        return new RolloutWorker.GenerateGroups(batchId, PROMPTS, List.of(11L, 12L), 3, SAMPLING, minimumVersion,
                minimumVersion + 1, replyTo.getRef());
    }

    private static RolloutWorker.GroupsGenerated generated(
            TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> asker) {
        return asker.receiveMessage(Duration.ofSeconds(60)).getValue();
    }

    /** The reason of the error {@code asker} receives. */
    private static String failure(TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> asker) {
        StatusReply<RolloutWorker.GroupsGenerated> reply = asker.receiveMessage(Duration.ofSeconds(60));
        assertTrue(reply.isError(), "an error, not " + reply);
        return reply.getError().getMessage();
    }

    /** A worker of the real model that has told {@code routers} it holds version 0. */
    private static ActorRef<RolloutWorker.Command> announcedWorker(TestProbe<String> routers, String workerId) {
        ActorRef<RolloutWorker.Command> worker = worker(workerId, 1, RolloutWorkerTest::model);
        awaitAnnouncement(routers, workerId + "@0");
        return worker;
    }

    /** Waits for {@code expected} among the listener's announcements (other tests' workers announce too). */
    private static void awaitAnnouncement(TestProbe<String> listener, String expected) {
        listener.fishForMessage(Duration.ofSeconds(30), announced -> announced.equals(expected)
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
    }

    @Test
    void generatesOneGroupPerPromptAsTheModelDoesWithTheGivenSeeds() {
        ActorRef<RolloutWorker.Command> worker = announcedWorker(listener(), "plain");
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> coordinator = TEST_KIT.createTestProbe();
        worker.tell(generate(4, 0, coordinator));
        RolloutWorker.GroupsGenerated generated = generated(coordinator);
        assertEquals(4, generated.batchId());
        assertEquals("plain", generated.workerId());
        assertEquals(PROMPTS, generated.groups().stream().map(RolloutGroup::prompt).toList());
        try (PolicyModel same = model()) {
            for (int i = 0; i < PROMPTS.size(); i++) {
                RolloutGroup group = generated.groups().get(i);
                assertEquals(0, group.weightVersion());
                List<GeneratedResponse> expected = same.generate(PromptCatalogue.prompt(PROMPTS.get(i).task(),
                        List.of(IMAGES.get(PROMPTS.get(i).sampleId()))), 3, SAMPLING, 11L + i);
                assertEquals(3, group.rollouts().size());
                for (int r = 0; r < 3; r++) {
                    Rollout rollout = group.rollouts().get(r);
                    assertEquals(expected.get(r).text(), rollout.text());
                    assertArrayEquals(expected.get(r).tokenIds(), rollout.tokenIds().toArray());
                    assertEquals(expected.get(r).finished(), rollout.finished());
                }
            }
        }
        TEST_KIT.stop(worker);
    }

    @Test
    void aPartForNewerWeightsWaitsUntilTheyArriveAndRunsOnThem() {
        TestProbe<String> routers = listener();
        ActorRef<RolloutWorker.Command> worker = announcedWorker(routers, "waiting");
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> coordinator = TEST_KIT.createTestProbe();
        worker.tell(generate(9, 1, coordinator));
        coordinator.expectNoMessage(Duration.ofMillis(300)); // deferred: the worker holds version 0

        ActorRef<WeightPublisher.Command> publisher =
                TEST_KIT.spawn(WeightPublisher.create(new WeightPublisher.Settings(64 * 1024, 16L << 20)));
        try (PolicyModel trained = CompactVisionLanguagePolicy.create(CONFIG.withInitSeed(77), Device.cpu())) {
            publisher.tell(new WeightPublisher.Publish(trained.exportWeights(1)));
        }
        awaitAnnouncement(routers, "waiting@1");
        RolloutWorker.GroupsGenerated generated = generated(coordinator);
        assertEquals(9, generated.batchId());
        assertEquals(List.of(1L, 1L), generated.groups().stream().map(RolloutGroup::weightVersion).toList());
        TEST_KIT.stop(publisher);
        TEST_KIT.stop(worker);
    }

    @Test
    void aModelThatThrowsFailsItsPartAndTheDeferredOnesAndTheWorkerRestartsAfterABackOffUpToItsLimit() {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger generateCalls = new AtomicInteger();
        // calls 1 and 3 throw: the first model fails at once, the restarted one after one good prompt
        ActorRef<RolloutWorker.Command> worker = worker("failing", 1, () -> {
            created.incrementAndGet();
            return failing(model(), generateCalls, closed, call -> call == 1 || call == 3);
        });
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> waiting = TEST_KIT.createTestProbe();
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> coordinator = TEST_KIT.createTestProbe();
        worker.tell(generate(1, 5, waiting)); // deferred until version 5
        worker.tell(generate(2, 0, coordinator));
        String own = failure(coordinator);
        assertTrue(own.contains(INJECTED), own);
        String deferred = failure(waiting);
        assertTrue(deferred.startsWith("worker restarting after its model failed") && deferred.contains(INJECTED),
                deferred);

        worker.tell(generate(3, 0, coordinator)); // the restarted worker: prompt 1 is call 2, prompt 2 is call 3
        awaitBackOff(closed, 1, coordinator);
        TIME.timePasses(MIN_BACKOFF.minusMillis(1));
        coordinator.expectNoMessage(Duration.ofMillis(200)); // still backing off: the part waits for the fresh model
        assertEquals(1, created.get());
        TIME.timePasses(FIRST_BACKOFF_AT_MOST.minus(MIN_BACKOFF).plusMillis(1));
        String again = failure(coordinator);
        assertTrue(again.contains(INJECTED), again);
        assertEquals(2, created.get(), "one restart with a fresh model");
        TEST_KIT.createTestProbe().expectTerminated(worker, Duration.ofSeconds(10)); // a second failure: over the limit
        assertEquals(2, closed.get(), "every model was released");
    }

    @Test
    void aRestartedWorkerGeneratesAgain() {
        AtomicInteger generateCalls = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ActorRef<RolloutWorker.Command> worker = worker("recovering", 1,
                () -> failing(model(), generateCalls, closed, call -> call == 1));
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> coordinator = TEST_KIT.createTestProbe();
        worker.tell(generate(1, 0, coordinator));
        failure(coordinator);
        worker.tell(generate(2, 0, coordinator));
        awaitBackOff(closed, 1, coordinator);
        TIME.timePasses(FIRST_BACKOFF_AT_MOST);
        RolloutWorker.GroupsGenerated generated = generated(coordinator);
        assertEquals(2, generated.batchId());
        assertEquals(2, generated.groups().size());
        TEST_KIT.stop(worker);
    }

    /**
     * Waits until the failed worker released its model (its supervisor schedules the restart right after that), and a
     * little longer, so that the manual clock moves only once the back-off timer is set.
     */
    private static void awaitBackOff(AtomicInteger closed, int models, TestProbe<?> coordinator) {
        coordinator.awaitAssert(() -> {
            assertEquals(models, closed.get(), "the failed model was released");
            return null;
        });
        coordinator.expectNoMessage(Duration.ofMillis(200));
    }

    /**
     * {@code model} whose {@code generate} throws on the calls {@code fails} picks (counted in {@code calls} over all
     * models sharing it), as a device error would; it counts its {@code close} in {@code closed}.
     */
    private static PolicyModel failing(PolicyModel model, AtomicInteger calls, AtomicInteger closed,
            java.util.function.IntPredicate fails) {
        return (PolicyModel) Proxy.newProxyInstance(PolicyModel.class.getClassLoader(),
                new Class<?>[] {PolicyModel.class}, (proxy, method, args) -> {
                    if (method.getName().equals("generate") && fails.test(calls.incrementAndGet())) {
                        throw new IllegalStateException(INJECTED);
                    }
                    if (method.getName().equals("close")) {
                        closed.incrementAndGet();
                    }
                    try {
                        return method.invoke(model, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
