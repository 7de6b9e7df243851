package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.pattern.StatusReply;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import visq.actors.learner.Learner;
import visq.actors.learner.StepStats;
import visq.actors.learner.TrainingPhase;
import visq.actors.reward.RewardScorer;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.RolloutWorker;
import visq.actors.rollout.TokenIds;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;

/**
 * The training coordinator actor with probes for the rollout workers (registered at the receptionist, as real ones
 * register), the reward scorer and the learner. Its ask timeouts run on {@link ManualTime}.
 */
class TrainingCoordinatorTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(120);
    private static final List<PromptRef> PROMPTS = List.of(new PromptRef("s/0", QualityTask.SCORE),
            new PromptRef("s/1", QualityTask.SCORE), new PromptRef("s/2", QualityTask.SCORE),
            new PromptRef("s/3", QualityTask.SCORE));
    private static final TrainingData DATA = new TrainingData(
            Map.of(QualityTask.SCORE, List.of(new TrainingData.DatasetPrompts("s", PROMPTS))),
            (prompt, step) -> "target of " + prompt.sampleId() + " at " + step);

    private final List<TestProbe<RolloutWorker.Command>> registered = new ArrayList<>();
    private final List<ActorRef<TrainingCoordinator.Command>> coordinators = new ArrayList<>();

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    /** The test kit is shared: this test's coordinators and workers must not meet the next test's. */
    @AfterEach
    void stopCoordinatorsAndDeregisterWorkers() {
        coordinators.forEach(TEST_KIT::stop);
        List.copyOf(registered).forEach(this::leave);
    }

    private static TrainingSettings settings(int coldStartSteps, int grpoSteps, int maxDispatchAttempts) {
        return settings(coldStartSteps, grpoSteps, maxDispatchAttempts, 0);
    }

    private static TrainingSettings settings(int coldStartSteps, int grpoSteps, int maxDispatchAttempts,
            int maxStaleness) {
        return settings(coldStartSteps, grpoSteps, maxDispatchAttempts, maxStaleness, Map.of());
    }

    private static TrainingSettings settings(int coldStartSteps, int grpoSteps, int maxDispatchAttempts,
            int maxStaleness, Map<String, Object> more) {
        return TrainingSettings.fromConfig(ConfigFactory.parseMap(more).withFallback(ConfigFactory.parseMap(Map.of(
                "visq.training.max-staleness", maxStaleness,
                "visq.training.cold-start-steps", coldStartSteps,
                "visq.training.grpo-steps", grpoSteps,
                "visq.training.prompts-per-step", 2,
                "visq.training.cold-start-batch", 2,
                "visq.training.group-size", 2,
                "visq.training.tasks", List.of("score"),
                "visq.training.min-workers", 2,
                "visq.training.max-dispatch-attempts", maxDispatchAttempts,
                "visq.training.rollout-timeout", ROLLOUT_TIMEOUT.toSeconds() + "s")))
                .withFallback(ConfigFactory.load()));
    }

    /** The actors a coordinator talks to (two workers), and what it tells its progress subscribers. */
    private record Run(ActorRef<TrainingCoordinator.Command> coordinator, TestProbe<RewardScorer.Command> scorer,
            TestProbe<Learner.Command> learner, TestProbe<TrainingProgress> progress,
            TestProbe<RolloutWorker.Command> first, TestProbe<RolloutWorker.Command> second) {

        /** Waits until the run is in {@code phase}. */
        TrainingProgress awaitPhase(TrainingPhase phase) {
            List<TrainingProgress> seen = progress.fishForMessage(Duration.ofSeconds(10), p -> p.phase() == phase
                    ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
            return seen.get(seen.size() - 1);
        }

        /** Each worker answers the part it was sent. */
        void answerBothParts() {
            answer(part(first));
            answer(part(second));
        }
    }

    /**
     * Starts a coordinator; a worker joins, and only once a second one has joined (min-workers is 2) the coordinator
     * asks the learner where to resume: a fresh run.
     */
    private Run start(TrainingSettings settings) {
        TestProbe<RewardScorer.Command> scorer = TEST_KIT.createTestProbe();
        TestProbe<Learner.Command> learner = TEST_KIT.createTestProbe();
        ActorRef<TrainingCoordinator.Command> coordinator =
                TEST_KIT.spawn(TrainingCoordinator.create(settings, DATA, scorer.getRef(), learner.getRef()));
        coordinators.add(coordinator);
        TestProbe<TrainingProgress> progress = TEST_KIT.createTestProbe();
        coordinator.tell(new TrainingCoordinator.SubscribeProgress(progress.getRef()));
        TestProbe<RolloutWorker.Command> first = join();
        learner.expectNoMessage(Duration.ofMillis(100));
        TestProbe<RolloutWorker.Command> second = join();
        learner.expectMessageClass(Learner.GetResumePoint.class).replyTo()
                .tell(new Learner.ResumePoint(0, 0, List.of()));
        return new Run(coordinator, scorer, learner, progress, first, second);
    }

    private TestProbe<RolloutWorker.Command> join() {
        TestProbe<RolloutWorker.Command> worker = TEST_KIT.createTestProbe();
        TestProbe<Receptionist.Registered> done = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(RolloutWorker.KEY, worker.getRef(), done.getRef()));
        done.receiveMessage();
        registered.add(worker);
        return worker;
    }

    private void leave(TestProbe<RolloutWorker.Command> worker) {
        registered.remove(worker);
        TestProbe<Receptionist.Deregistered> done = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.deregister(RolloutWorker.KEY, worker.getRef(),
                done.getRef()));
        done.receiveMessage();
    }

    private static RolloutWorker.GenerateGroups part(TestProbe<RolloutWorker.Command> worker) {
        return worker.expectMessageClass(RolloutWorker.GenerateGroups.class);
    }

    /** Answers {@code part} with one group per prompt, of the group size, at the minimum version asked for. */
    private static List<RolloutGroup> answer(RolloutWorker.GenerateGroups part) {
        return answer(part, part.minimumVersion());
    }

    /** Answers {@code part} as {@link #answer(RolloutWorker.GenerateGroups)}, generated by weights of {@code version}. */
    private static List<RolloutGroup> answer(RolloutWorker.GenerateGroups part, long version) {
        Rollout rollout = new Rollout("<answer>3</answer>", TokenIds.of(5, 2), List.of(-0.5f, -0.25f), true);
        List<RolloutGroup> groups = part.prompts().stream()
                .map(prompt -> new RolloutGroup(prompt, version,
                        Collections.nCopies(part.groupSize(), rollout)))
                .toList();
        part.replyTo().tell(StatusReply.success(new RolloutWorker.GroupsGenerated(part.batchId(), "w", groups, 0.5)));
        return groups;
    }

    private static List<ScoredGroup> scoreAll(RewardScorer.ScoreGroups request) {
        List<ScoredGroup> scored = request.groups().stream().map(group -> new ScoredGroup(group,
                Collections.nCopies(group.rollouts().size(), new ResponseReward(1, 1, new ParsedScore.Score(3)))))
                .toList();
        request.replyTo().tell(StatusReply.success(new RewardScorer.GroupsScored(request.batchId(), scored)));
        return scored;
    }

    private static StepStats trained(long step, TrainingPhase phase) {
        return new StepStats(step, phase, step, 1, 1, 1, 0.5, 0, 0, Double.NaN, 0, 1, 0);
    }

    @Test
    void aRunTrainsItsColdStartThenAGrpoStepSplitOverTheWorkersAndEndsWithACheckpoint() {
        Run run = start(settings(1, 1, 3));

        Learner.TrainColdStart coldStart = run.learner().expectMessageClass(Learner.TrainColdStart.class);
        assertEquals(1, coldStart.step());
        assertEquals(2, coldStart.targets().stream().map(target -> target.prompt()).distinct().count());
        coldStart.targets().forEach(target -> assertEquals("target of " + target.prompt().sampleId() + " at 1",
                target.response(), "the cold-start targets' response"));
        coldStart.replyTo().tell(StatusReply.success(new Learner.StepTrained(trained(1, TrainingPhase.COLD_START))));

        // GRPO step 2: its two prompts go one to each worker, to be generated with the weights of step 1
        List<RolloutWorker.GenerateGroups> parts = new ArrayList<>(List.of(part(run.first()), part(run.second())));
        parts.sort(java.util.Comparator.comparingLong(RolloutWorker.GenerateGroups::batchId)); // in the step's order
        for (RolloutWorker.GenerateGroups part : parts) {
            assertEquals(1, part.prompts().size());
            assertEquals(2, part.groupSize());
            assertEquals(1, part.minimumVersion());
            assertEquals(1, part.maximumVersion(), "max-staleness 0: on-policy");
        }
        List<RolloutGroup> groups = new ArrayList<>(answer(parts.get(1))); // the later part answers first
        groups.addAll(0, answer(parts.get(0)));
        RewardScorer.ScoreGroups scoring = run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class);
        assertEquals(groups, scoring.groups());
        List<ScoredGroup> scored = scoreAll(scoring);
        Learner.TrainGrpo grpo = run.learner().expectMessageClass(Learner.TrainGrpo.class);
        assertEquals(2, grpo.step());
        assertEquals(scored, grpo.groups());
        grpo.replyTo().tell(StatusReply.success(new Learner.StepTrained(trained(2, TrainingPhase.GRPO))));

        Learner.SaveCheckpoint save = run.learner().expectMessageClass(Learner.SaveCheckpoint.class);
        assertEquals(2, save.step());
        save.replyTo().tell(new Learner.CheckpointSaved("/checkpoints/step-2"));
        TrainingProgress done = run.awaitPhase(TrainingPhase.DONE);
        assertEquals(2, done.step());
        assertEquals(2, done.weightVersion());
        assertEquals(List.of(1L, 2L), done.recent().stream().map(StepStats::step).toList());
    }

    @Test
    void aSilentWorkersPartGoesToAnotherWorkerAfterTheRolloutTimeoutAndItsLateAnswerIsDropped() {
        Run run = start(settings(0, 1, 3));
        TestProbe<RolloutWorker.Command> silent = run.first();
        TestProbe<RolloutWorker.Command> busy = run.second();
        RolloutWorker.GenerateGroups lost = part(silent);
        answer(part(busy));

        TIME.timePasses(ROLLOUT_TIMEOUT.minusSeconds(1));
        busy.expectNoMessage(Duration.ofMillis(100));
        TIME.timePasses(Duration.ofSeconds(1));
        RolloutWorker.GenerateGroups again = part(busy);
        assertEquals(lost.prompts(), again.prompts());
        assertEquals(lost.promptSeeds(), again.promptSeeds(), "the same seeds: the same rollouts, whoever samples");
        List<RolloutGroup> regenerated = answer(again);
        RewardScorer.ScoreGroups scoring = run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class);
        assertTrue(scoring.groups().containsAll(regenerated), "the re-dispatched part's groups are trained on");

        answer(lost); // the silent worker wakes up: its part was done by then
        run.scorer().expectNoMessage(Duration.ofMillis(200));
        scoreAll(scoring);
        assertEquals(1, run.learner().expectMessageClass(Learner.TrainGrpo.class).step());
        silent.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aFailedPartGoesAtOnceToAnotherWorkerAndAPartFailingTooOftenFailsTheRun() {
        Run run = start(settings(0, 1, 2));
        RolloutWorker.GenerateGroups failing = part(run.first());
        part(run.second());
        failing.replyTo().tell(StatusReply.error("IllegalStateException: device lost"));
        RolloutWorker.GenerateGroups second = part(run.second()); // at once, and not back to the one that failed
        assertEquals(failing.prompts(), second.prompts());
        run.first().expectNoMessage(Duration.ofMillis(100));
        second.replyTo().tell(StatusReply.error("IllegalStateException: device lost too"));
        TrainingProgress failed = run.awaitPhase(TrainingPhase.FAILED);
        assertTrue(failed.failure().contains("failed 2 times"), failed.failure());
    }

    @Test
    void aPartOfAWorkerThatLeavesGoesToAnotherWorkerWithoutWaitingForTheTimeout() {
        Run run = start(settings(0, 1, 3));
        TestProbe<RolloutWorker.Command> leaving = run.first();
        TestProbe<RolloutWorker.Command> staying = run.second();
        RolloutWorker.GenerateGroups orphaned = part(leaving);
        answer(part(staying));
        leave(leaving);
        RolloutWorker.GenerateGroups taken = part(staying);
        assertEquals(orphaned.prompts(), taken.prompts());
        answer(taken);
        assertEquals(2, run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class).groups().size());
    }

    @Test
    void aBatchTheScorerRefusesStopsTheRunWithItsReason() {
        Run refused = start(settings(0, 1, 3));
        refused.answerBothParts();
        refused.scorer().expectMessageClass(RewardScorer.ScoreGroups.class).replyTo()
                .tell(StatusReply.error("unknown sample s/9"));
        assertEquals("unknown sample s/9", refused.awaitPhase(TrainingPhase.FAILED).failure());
    }

    @Test
    void aStepTheLearnerFailsStopsTheRunWithItsReason() {
        Run stopped = start(settings(1, 0, 3));
        stopped.learner().expectMessageClass(Learner.TrainColdStart.class).replyTo()
                .tell(StatusReply.error("checkpoint at step 1 could not be written"));
        assertEquals("checkpoint at step 1 could not be written", stopped.awaitPhase(TrainingPhase.FAILED).failure());
    }

    /** The parts of one step, one from each worker (each holds one part of a step, in step order). */
    private static List<RolloutWorker.GenerateGroups> stepParts(Run run) {
        List<RolloutWorker.GenerateGroups> parts = new ArrayList<>(List.of(part(run.first()), part(run.second())));
        parts.sort(java.util.Comparator.comparingLong(RolloutWorker.GenerateGroups::batchId));
        return parts;
    }

    private static List<PromptRef> promptsOf(List<RolloutWorker.GenerateGroups> parts) {
        return parts.stream().flatMap(part -> part.prompts().stream()).toList();
    }

    private static List<Long> seedsOf(List<RolloutWorker.GenerateGroups> parts) {
        return parts.stream().flatMap(part -> part.promptSeeds().stream()).toList();
    }

    /** Answers every part and has the learner be asked to train them; returns that request. */
    private static Learner.TrainGrpo trainOn(Run run, List<RolloutWorker.GenerateGroups> parts) {
        parts.forEach(TrainingCoordinatorTest::answer);
        scoreAll(run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class));
        return run.learner().expectMessageClass(Learner.TrainGrpo.class);
    }

    @Test
    void aLearnerThatRestartsTakesTheRunBackToItsCheckpointAndTrainsTheStepsAfterItAgainWithTheSamePrompts() {
        Run run = start(settings(0, 4, 3, 1)); // max-staleness 1: the next step generates while one trains
        List<RolloutWorker.GenerateGroups> step1 = stepParts(run);
        List<RolloutWorker.GenerateGroups> step2 = stepParts(run);
        Learner.TrainGrpo first = trainOn(run, step1);
        first.replyTo().tell(StatusReply.success(new Learner.StepTrained(trained(1, TrainingPhase.GRPO))));
        List<RolloutWorker.GenerateGroups> step3 = stepParts(run); // in flight while step 2 trains
        Learner.TrainGrpo failing = trainOn(run, step2);
        assertEquals(2, failing.step());
        failing.replyTo().tell(StatusReply.success(
                new Learner.StepFailed(2, "GRPO step 2 failed: IllegalStateException: device lost", true)));

        // the restarted learner resumed from its checkpoint of step 1
        run.learner().expectMessageClass(Learner.GetResumePoint.class).replyTo()
                .tell(new Learner.ResumePoint(1, 1, first.cursorsAfter()));
        TrainingProgress resumed = run.progress().fishForMessage(Duration.ofSeconds(10),
                p -> p.step() == 1 && p.recent().size() == 1 ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals(TrainingPhase.GRPO, resumed.phase());
        List<RolloutWorker.GenerateGroups> step2Again = stepParts(run);
        assertEquals(promptsOf(step2), promptsOf(step2Again), "step 2 takes the same prompts again");
        assertEquals(seedsOf(step2), seedsOf(step2Again), "with the same seeds");
        step2Again.forEach(part -> assertEquals(2, part.maximumVersion(), "from the checkpoint's version 1 on"));
        List<RolloutWorker.GenerateGroups> step3Again = stepParts(run);
        assertEquals(promptsOf(step3), promptsOf(step3Again), "and so does step 3");

        step3.forEach(part -> answer(part, 2)); // late answers of the dropped rollouts, as if of fresh weights
        Learner.TrainGrpo retried = trainOn(run, step2Again);
        assertEquals(2, retried.step());
        assertEquals(failing.cursorsAfter(), retried.cursorsAfter());
        retried.replyTo().tell(StatusReply.success(new Learner.StepTrained(trained(2, TrainingPhase.GRPO))));
        stepParts(run); // step 4 starts generating
        run.scorer().expectNoMessage(Duration.ofMillis(200)); // step 3 waits for its new parts, not the dropped ones
        step3Again.forEach(part -> answer(part, 2)); // by the weights of the step before
        scoreAll(run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class));
        assertEquals(3, run.learner().expectMessageClass(Learner.TrainGrpo.class).step());
    }

    /** Two workers join a coordinator of {@code settings}; returns the learner's first resume-point request. */
    private Learner.GetResumePoint startAndAwaitResumeRequest(TrainingSettings settings,
            TestProbe<Learner.Command> learner, TestProbe<TrainingProgress> progress) {
        ActorRef<TrainingCoordinator.Command> coordinator = TEST_KIT.spawn(TrainingCoordinator.create(settings, DATA,
                TEST_KIT.<RewardScorer.Command>createTestProbe().getRef(), learner.getRef()));
        coordinators.add(coordinator);
        coordinator.tell(new TrainingCoordinator.SubscribeProgress(progress.getRef()));
        join();
        join();
        return learner.expectMessageClass(Learner.GetResumePoint.class);
    }

    @Test
    void aLearnerSettingUpLongerThanTheStepTimeoutIsAwaitedUpToTheSetupTimeout() {
        // a cold feature store: the learner answers after its step timeout (5 min) but within its setup timeout
        TestProbe<Learner.Command> learner = TEST_KIT.createTestProbe();
        TestProbe<TrainingProgress> progress = TEST_KIT.createTestProbe();
        Learner.GetResumePoint request = startAndAwaitResumeRequest(settings(1, 0, 3, 0, Map.of(
                "visq.training.learner-timeout", "5m", "visq.training.learner-setup-timeout", "1h")),
                learner, progress);
        TIME.timePasses(Duration.ofMinutes(30));
        request.replyTo().tell(new Learner.ResumePoint(0, 0, List.of()));
        assertEquals(1, learner.expectMessageClass(Learner.TrainColdStart.class).step());
    }

    @Test
    void aLearnerThatIsNotSetUpWithinTheSetupTimeoutStopsTheRunNamingTheSetting() {
        TestProbe<Learner.Command> learner = TEST_KIT.createTestProbe();
        TestProbe<TrainingProgress> progress = TEST_KIT.createTestProbe();
        startAndAwaitResumeRequest(settings(1, 0, 3, 0, Map.of("visq.training.learner-setup-timeout", "1h")),
                learner, progress);
        progress.fishForMessage(Duration.ofSeconds(10), p -> p.phase() == TrainingPhase.WAITING_FOR_WORKERS
                && p.rolloutWorkers() == 2 ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        TIME.timePasses(Duration.ofMinutes(59));
        progress.expectNoMessage(Duration.ofMillis(200)); // still waiting: no failure
        TIME.timePasses(Duration.ofMinutes(1));
        List<TrainingProgress> seen = progress.fishForMessage(Duration.ofSeconds(10), p -> p.phase()
                == TrainingPhase.FAILED ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        String failure = seen.get(seen.size() - 1).failure();
        assertTrue(failure.startsWith("learner did not say where to resume within visq.training.learner-setup-timeout"),
                failure);
    }

    @Test
    void aLearnerThatStopsAfterTooManyFailuresStopsTheRunWithItsReason() {
        Run run = start(settings(1, 0, 3));
        String reason = "the learner failed 4 times in a row, more than visq.learner.max-restarts (3) allows, and"
                + " stopped; the last failure: cold-start step 1 failed: IllegalStateException: device lost";
        run.learner().expectMessageClass(Learner.TrainColdStart.class).replyTo()
                .tell(StatusReply.success(new Learner.StepFailed(1, reason, false)));
        assertEquals(reason, run.awaitPhase(TrainingPhase.FAILED).failure());
        run.learner().expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aLearnerThatStopsWhileRestartingStopsTheRunAtOnce() {
        Run run = start(settings(1, 0, 3));
        run.learner().expectMessageClass(Learner.TrainColdStart.class).replyTo().tell(StatusReply.success(
                new Learner.StepFailed(1, "cold-start step 1 failed: IllegalStateException: device lost", true)));
        run.learner().expectMessageClass(Learner.GetResumePoint.class);
        run.learner().stop();
        assertEquals("the learner stopped while restarting after cold-start step 1 failed: IllegalStateException:"
                + " device lost (its log says why)", run.awaitPhase(TrainingPhase.FAILED).failure());
    }

    @Test
    void aScorerThatDoesNotAnswerStopsTheRunAfterTheTimeout() {
        Run run = start(settings(0, 1, 3));
        run.answerBothParts();
        run.scorer().expectMessageClass(RewardScorer.ScoreGroups.class);
        TIME.timePasses(ROLLOUT_TIMEOUT);
        String reason = run.awaitPhase(TrainingPhase.FAILED).failure();
        assertTrue(reason.startsWith("reward scorer did not answer: "), reason);
    }
}
