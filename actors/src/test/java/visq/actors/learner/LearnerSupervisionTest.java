package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptImages;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.TestImages;
import visq.actors.rollout.TokenIds;
import visq.actors.weights.WeightPublisher;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.GrpoSample;
import visq.gpu.training.GrpoStepResult;
import visq.gpu.training.LearningRateSchedule;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.PolicyTrainer;
import visq.gpu.training.PolicyTraining;
import visq.gpu.training.SupervisedExample;
import visq.gpu.training.SupervisedStepResult;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.StepRecord;

/**
 * The learner's supervision with a real trainer (a compact policy, its reference and AdamW, training GRPO steps for
 * real) whose steps throw when the test says so, as a device error would. The coordinator and the weight publisher
 * are probes; the supervisor's back-off runs on {@link ManualTime}.
 */
class LearnerSupervisionTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final String INJECTED = "injected device failure";
    private static final Map<String, visq.gpu.image.ImageTensor> IMAGES =
            Map.of("a", TestImages.image(1), "b", TestImages.image(2));
    private static final PromptImages PROMPT_IMAGES = IMAGES::get;
    private static final int STEPS = 5;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    /** A real trainer whose steps throw on the calls {@code fails} picks, counted over every trainer sharing calls. */
    private static final class FailingTraining implements PolicyTraining {
        private final PolicyTraining trainer;
        private final AtomicInteger calls;
        private final IntPredicate fails;
        private final AtomicInteger closed;

        FailingTraining(PolicyTraining trainer, AtomicInteger calls, IntPredicate fails, AtomicInteger closed) {
            this.trainer = trainer;
            this.calls = calls;
            this.fails = fails;
            this.closed = closed;
        }

        @Override
        public PolicyModel policy() {
            return trainer.policy();
        }

        @Override
        public Optional<PolicyModel> reference() {
            return trainer.reference();
        }

        @Override
        public SupervisedStepResult supervisedStep(List<SupervisedExample> examples) {
            throwIfPicked();
            return trainer.supervisedStep(examples);
        }

        @Override
        public GrpoStepResult grpoStep(List<GrpoSample> samples) {
            throwIfPicked();
            return trainer.grpoStep(samples);
        }

        private void throwIfPicked() {
            if (fails.test(calls.incrementAndGet())) {
                throw new IllegalStateException(INJECTED);
            }
        }

        @Override
        public int liveArrayCount() {
            return trainer.liveArrayCount();
        }

        @Override
        public TrainerState exportState() {
            return trainer.exportState();
        }

        @Override
        public void restore(TrainerState state) {
            trainer.restore(state);
        }

        @Override
        public void close() {
            trainer.close();
            closed.incrementAndGet();
        }
    }

    /** A trainer as the learner node builds one: a compact policy at its initial weights and a reference. */
    private static PolicyTraining realTrainer() {
        return realTrainer(new LearningRateSchedule(1e-3, 0, 1));
    }

    /** A trainer as {@link #realTrainer()} with the cold-start schedule {@code coldStart}. */
    private static PolicyTraining realTrainer(LearningRateSchedule coldStart) {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        return new PolicyTrainer(CompactVisionLanguagePolicy.create(config, Device.cpu()),
                Optional.of(CompactVisionLanguagePolicy.create(config, Device.cpu())), MethodPreset.compact(),
                coldStart, STEPS);
    }

    /** Trainers made for a learner, the calls of their steps (over all of them), and how many were closed. */
    private record Trainers(AtomicInteger created, AtomicInteger calls, AtomicInteger closed,
            Supplier<PolicyTraining> factory) {
        static Trainers failingOn(IntPredicate fails) {
            return failingOn(fails, LearnerSupervisionTest::realTrainer);
        }

        static Trainers failingOn(IntPredicate fails, Supplier<PolicyTraining> real) {
            AtomicInteger created = new AtomicInteger();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            return new Trainers(created, calls, closed, () -> {
                created.incrementAndGet();
                return new FailingTraining(real.get(), calls, fails, closed);
            });
        }
    }

    private static LearnerSettings settings(Path checkpoints, int checkpointEvery, int maxRestarts) {
        return LearnerSettings.fromConfig(ConfigFactory.parseMap(Map.of(
                "visq.learner.checkpoint-dir", checkpoints.toString(),
                "visq.learner.checkpoint-every", checkpointEvery,
                "visq.learner.max-restarts", maxRestarts,
                "visq.learner.min-backoff", MIN_BACKOFF.toMillis() + "ms",
                "visq.learner.max-backoff", MAX_BACKOFF.toMillis() + "ms")).withFallback(ConfigFactory.load()));
    }

    /**
     * A learner, the probe its publishers report every publication to, and a coordinator asking it to train: GRPO
     * steps, or supervised (cold-start) steps when {@code coldStart}.
     */
    private record Started(ActorRef<Learner.Command> learner, TestProbe<WeightPublisher.Command> published,
            TestProbe<StatusReply<Learner.StepOutcome>> coordinator, boolean coldStart) {

        StatusReply<Learner.StepOutcome> train(long step) {
            learner.tell(coldStart
                    ? new Learner.TrainColdStart(step, targets(step), cursorsAfter(step), coordinator.getRef())
                    : new Learner.TrainGrpo(step, groups(step), cursorsAfter(step), coordinator.getRef()));
            return coordinator.receiveMessage(Duration.ofSeconds(60));
        }

        /** Trains {@code step}; returns the weights it published. */
        EncodedWeights trained(long step) {
            StepStats stats = train(step).getValue().fold(trained -> trained.stats(), failed -> {
                throw new AssertionError("step " + step + " trained, not " + failed);
            });
            assertEquals(step, stats.step());
            return weights();
        }

        EncodedWeights weights() {
            return ((WeightPublisher.Publish) published.receiveMessage(Duration.ofSeconds(60))).weights();
        }

        Learner.StepFailed failed(long step) {
            return train(step).getValue().fold(trained -> {
                throw new AssertionError("step " + step + " failed, not " + trained);
            }, failed -> failed);
        }

        Learner.ResumePoint resumePoint() {
            TestProbe<Learner.ResumePoint> asker = TEST_KIT.createTestProbe();
            learner.tell(new Learner.GetResumePoint(asker.getRef()));
            return asker.receiveMessage(Duration.ofSeconds(60));
        }
    }

    private static Started start(LearnerSettings settings, Trainers trainers) {
        return start(settings, trainers, false);
    }

    private static Started start(LearnerSettings settings, Trainers trainers, boolean coldStart) {
        TestProbe<WeightPublisher.Command> published = TEST_KIT.createTestProbe();
        ActorRef<Learner.Command> learner = TEST_KIT.spawn(Learner.create(settings, trainers.factory(), PROMPT_IMAGES,
                Behaviors.monitor(WeightPublisher.Command.class, published.getRef(), Behaviors.ignore()),
                new TrainingMetrics(new SimpleMeterRegistry())));
        return new Started(learner, published, TEST_KIT.createTestProbe(), coldStart);
    }

    /** Step {@code step}'s cold-start targets: responses that differ with the step. */
    private static List<SupervisedTarget> targets(long step) {
        return List.of(
                new SupervisedTarget(new PromptRef("a", QualityTask.SCORE), "<think>\nstep " + step + "\n</think>"),
                new SupervisedTarget(new PromptRef("b", QualityTask.SCORE), "<answer>" + (step % 5 + 1) + "</answer>"));
    }

    /** Step {@code step}'s scored groups: rewards that differ with the step, so each step trains differently. */
    private static List<ScoredGroup> groups(long step) {
        return List.of(scored("a", step - 1, 2.0 + step, 1.0), scored("b", step - 1, 1.0, 1.5 + step));
    }

    private static List<PlanCursor> cursorsAfter(long step) {
        return List.of(new PlanCursor(QualityTask.SCORE, "clive", 0, (int) step * 2));
    }

    private static ScoredGroup scored(String sampleId, long version, double... totals) {
        List<Rollout> rollouts = new ArrayList<>();
        List<ResponseReward> rewards = new ArrayList<>();
        for (int i = 0; i < totals.length; i++) {
            rollouts.add(new Rollout("r" + i, TokenIds.of(7 + i, 8, 2), List.of(-1f, -0.5f, -0.25f), true));
            rewards.add(new ResponseReward(1, totals[i] - 1, new ParsedScore.Score(3)));
        }
        return new ScoredGroup(new RolloutGroup(new PromptRef(sampleId, QualityTask.SCORE), version, rollouts),
                rewards);
    }

    /**
     * Moves the manual clock on in small steps until the supervisor has created trainer number {@code trainer} (the
     * restart after the back-off), and returns how far it moved: at least the back-off, whenever its timer was set.
     */
    private static Duration clockUntilCreated(Trainers trainers, int trainer, TestProbe<?> probe) {
        Duration step = Duration.ofMillis(100);
        Duration[] moved = {Duration.ZERO};
        probe.awaitAssert(Duration.ofSeconds(60), () -> {
            if (trainers.created().get() < trainer) {
                TIME.timePasses(step);
                moved[0] = moved[0].plus(step);
            }
            assertEquals(trainer, trainers.created().get(), "trainers created");
            return null;
        });
        return moved[0];
    }

    /** Waits until {@code count} trainers were closed (a failed learner closes its own before it restarts). */
    private static void awaitClosed(Trainers trainers, int count, TestProbe<?> probe) {
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
            assertEquals(count, trainers.closed().get(), "trainers closed");
            return null;
        });
    }

    @Test
    void aFailedStepRestartsTheLearnerFromItsNewestCheckpointAndTheRunEndsWithTheWeightsOfARunWithoutTheFailure(
            @TempDir Path clean, @TempDir Path faulty) throws IOException {
        Trainers undisturbed = Trainers.failingOn(call -> false);
        Started reference = start(settings(clean, 2, 3), undisturbed);
        List<EncodedWeights> expected = new ArrayList<>();
        for (long step = 1; step <= STEPS; step++) {
            expected.add(reference.trained(step));
        }
        TEST_KIT.stop(reference.learner());

        Trainers trainers = Trainers.failingOn(call -> call == 4); // the 4th step trained throws
        Started run = start(settings(faulty, 2, 3), trainers);
        List<EncodedWeights> before = new ArrayList<>();
        for (long step = 1; step <= 3; step++) {
            before.add(run.trained(step));
            assertArrayEquals(expected.get((int) step - 1).bytes(), before.get((int) step - 1).bytes(),
                    "step " + step + " as in the undisturbed run");
        }
        Learner.StepFailed failed = run.failed(4);
        assertEquals(new Learner.StepFailed(4, "GRPO step 4 failed: IllegalStateException: " + INJECTED, true),
                failed);

        // (a) restarted: the failed learner released its trainer, a fresh one is created after the back-off
        awaitClosed(trainers, 1, run.coordinator());
        Duration backOff = clockUntilCreated(trainers, 2, run.coordinator());
        assertTrue(backOff.compareTo(MIN_BACKOFF) >= 0, "restarted after " + backOff + ", not before the back-off");

        // (b) from the checkpoint of step 2: its step, cursors and weights, published again
        assertEquals(new Learner.ResumePoint(2, 2, cursorsAfter(2)), run.resumePoint());
        EncodedWeights republished = run.weights();
        assertEquals(2, republished.version());
        assertArrayEquals(before.get(1).bytes(), republished.bytes(), "the weights of step 2, byte for byte");
        assertArrayEquals(CheckpointWriter.readLatestWeights(faulty).bytes(), republished.bytes());
        try (PolicyTraining untrained = realTrainer()) {
            assertFalse(Arrays.equals(untrained.policy().exportWeights(2).bytes(), republished.bytes()),
                    "trained weights, not the initial ones");
        }
        assertEquals(List.of(1L, 2L), TrainingHistory.read(faulty).stream().map(StepRecord::getStep).toList(),
                "the history is cut back to the checkpoint");

        // (c) the steps after the checkpoint are trained again, to the end, as in the run without the failure
        for (long step = 3; step <= STEPS; step++) {
            EncodedWeights weights = run.trained(step);
            assertEquals(step, weights.version());
            assertArrayEquals(expected.get((int) step - 1).bytes(), weights.bytes(),
                    "step " + step + " as in the undisturbed run");
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L),
                TrainingHistory.read(faulty).stream().map(StepRecord::getStep).toList());
        assertEquals(2, trainers.created().get(), "one restart");
        TEST_KIT.stop(run.learner());
        assertEquals(2, trainers.closed().get(), "every trainer was released");
    }

    @Test
    void aLearnerRestartedInsideTheColdStartsWarmUpContinuesItsScheduleAndEndsWithTheWeightsOfARunWithoutTheFailure(
            @TempDir Path clean, @TempDir Path faulty) {
        // warm-up 3 of 5 supervised steps: the checkpoint of step 2 lies inside the warm-up, where the rate rises
        Supplier<PolicyTraining> coldStart = () -> realTrainer(new LearningRateSchedule(1e-3, 3, STEPS));
        Started reference = start(settings(clean, 2, 3), Trainers.failingOn(call -> false, coldStart), true);
        List<EncodedWeights> expected = new ArrayList<>();
        for (long step = 1; step <= STEPS; step++) {
            expected.add(reference.trained(step));
        }
        TEST_KIT.stop(reference.learner());

        Trainers trainers = Trainers.failingOn(call -> call == 4, coldStart); // the 4th step trained throws
        Started run = start(settings(faulty, 2, 3), trainers, true);
        for (long step = 1; step <= 3; step++) {
            run.trained(step);
        }
        assertEquals(new Learner.StepFailed(4, "cold-start step 4 failed: IllegalStateException: " + INJECTED, true),
                run.failed(4));
        awaitClosed(trainers, 1, run.coordinator());
        clockUntilCreated(trainers, 2, run.coordinator());
        assertEquals(2, run.resumePoint().step(), "resumed from the checkpoint of step 2");
        assertArrayEquals(expected.get(1).bytes(), run.weights().bytes(), "the weights of step 2");

        for (long step = 3; step <= STEPS; step++) {
            assertArrayEquals(expected.get((int) step - 1).bytes(), run.trained(step).bytes(),
                    "cold-start step " + step + " as in the undisturbed run");
        }
        TEST_KIT.stop(run.learner());
    }

    @Test
    void aLearnerThatFailsMoreOftenInARowThanItMayRestartStopsAndSaysWhy(@TempDir Path dir) {
        Trainers trainers = Trainers.failingOn(call -> call >= 2); // the first step trains, every later one throws
        Started run = start(settings(dir, 1, 1), trainers);
        run.trained(1);
        assertTrue(run.failed(2).restarting());
        awaitClosed(trainers, 1, run.coordinator());
        clockUntilCreated(trainers, 2, run.coordinator());
        assertEquals(1, run.resumePoint().step());

        Learner.StepFailed last = run.failed(2);
        assertFalse(last.restarting());
        assertEquals("the learner failed 2 times in a row, more than visq.learner.max-restarts (1) allows, and"
                + " stopped; the last failure: GRPO step 2 failed: IllegalStateException: " + INJECTED, last.reason());
        run.coordinator().expectTerminated(run.learner(), Duration.ofSeconds(30));
        assertEquals(2, trainers.closed().get(), "both trainers were released");
        assertEquals(2, trainers.created().get(), "no restart after the limit");
    }

    @Test
    void aRestartThatCannotSetTheLearnerUpIsTriedAgainAfterALongerBackOff(@TempDir Path dir) {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        // the second trainer cannot be created (its device is still gone); the third can
        Trainers trainers = new Trainers(created, calls, closed, () -> {
            if (created.incrementAndGet() == 2) {
                throw new IllegalStateException("device not ready");
            }
            return new FailingTraining(realTrainer(), calls, call -> call == 2, closed);
        });
        Started run = start(settings(dir, 1, 3), trainers);
        EncodedWeights step1 = run.trained(1);
        assertTrue(run.failed(2).restarting());
        awaitClosed(trainers, 1, run.coordinator());
        clockUntilCreated(trainers, 2, run.coordinator());
        Duration second = clockUntilCreated(trainers, 3, run.coordinator());
        assertTrue(second.compareTo(MIN_BACKOFF.multipliedBy(2)) >= 0, "the second back-off is doubled: " + second);

        assertEquals(1, run.resumePoint().step());
        assertArrayEquals(step1.bytes(), run.weights().bytes(), "resumed from step 1's checkpoint");
        assertEquals(2, run.trained(2).version());
        TEST_KIT.stop(run.learner());
    }
}
