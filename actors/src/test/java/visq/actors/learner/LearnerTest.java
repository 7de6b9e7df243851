package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
import visq.gpu.image.ImageTensor;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.AdamWState;
import visq.gpu.training.GrpoSample;
import visq.gpu.training.GrpoStepResult;
import visq.gpu.training.PolicyTraining;
import visq.gpu.training.SupervisedExample;
import visq.gpu.training.SupervisedStepResult;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.StepRecord;

/**
 * The learner actor with a trainer that records what it is given instead of training (the math is tested in
 * gpu-workers) around a real compact policy, whose weights the learner publishes and checkpoints for real. The
 * askers are probes, and so is what the learner's publisher is told. Supervision with a training trainer and a
 * manual clock: {@link LearnerSupervisionTest}.
 */
class LearnerTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final Map<String, ImageTensor> IMAGES = Map.of("a", TestImages.image(1), "b", TestImages.image(2));
    private static final PromptImages PROMPT_IMAGES = IMAGES::get;
    private static final List<PlanCursor> CURSORS = List.of(new PlanCursor(QualityTask.SCORE, "clive", 1, 2));

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    /** Records every step it is asked for and answers with fixed measurements; throws once when told to. */
    private static final class RecordingTrainer implements PolicyTraining {
        final PolicyModel policy =
                CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
        final List<List<SupervisedExample>> supervised = new CopyOnWriteArrayList<>();
        final List<List<GrpoSample>> grpo = new CopyOnWriteArrayList<>();
        final List<TrainerState> restored = new CopyOnWriteArrayList<>();
        volatile RuntimeException failNextStep;
        volatile boolean closed;

        @Override
        public PolicyModel policy() {
            return policy;
        }

        @Override
        public Optional<PolicyModel> reference() {
            return Optional.empty();
        }

        @Override
        public SupervisedStepResult supervisedStep(List<SupervisedExample> examples) {
            throwIfTold();
            supervised.add(examples);
            return new SupervisedStepResult(0.75, 1.5);
        }

        @Override
        public GrpoStepResult grpoStep(List<GrpoSample> samples) {
            throwIfTold();
            grpo.add(samples);
            return new GrpoStepResult(0.5, 0.01, 0.125, 1.0, 2.0, 1);
        }

        private void throwIfTold() {
            RuntimeException failure = failNextStep;
            failNextStep = null;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public int liveArrayCount() {
            return 0;
        }

        @Override
        public TrainerState exportState() {
            return new TrainerState(new AdamWState(List.of(), List.of(), List.of()), supervised.size(), grpo.size(),
                    false, Optional.empty());
        }

        @Override
        public void restore(TrainerState state) {
            restored.add(state);
        }

        @Override
        public void close() {
            policy.close();
            closed = true;
        }
    }

    private static LearnerSettings settings(Path checkpoints, int checkpointEvery, boolean resume) {
        return LearnerSettings.fromConfig(ConfigFactory.parseMap(Map.of(
                "visq.learner.checkpoint-dir", checkpoints.toString(),
                "visq.learner.checkpoint-every", checkpointEvery,
                "visq.learner.resume", resume)).withFallback(ConfigFactory.load()));
    }

    private static ActorRef<Learner.Command> learner(LearnerSettings settings, RecordingTrainer trainer,
            TestProbe<WeightPublisher.Command> publisher) {
        return learner(settings, () -> trainer, publisher);
    }

    /** A learner whose publishers (one for each incarnation) tell {@code publisher} everything they are told. */
    private static ActorRef<Learner.Command> learner(LearnerSettings settings, Supplier<RecordingTrainer> trainers,
            TestProbe<WeightPublisher.Command> publisher) {
        return TEST_KIT.spawn(Learner.create(settings, trainers, PROMPT_IMAGES,
                Behaviors.monitor(WeightPublisher.Command.class, publisher.getRef(), Behaviors.ignore()),
                new TrainingMetrics(new SimpleMeterRegistry())));
    }

    /** A learner with its trainer, the publisher it publishes to and a coordinator asking it to train. */
    private record Started(RecordingTrainer trainer, TestProbe<WeightPublisher.Command> publisher,
            ActorRef<Learner.Command> learner, TestProbe<StatusReply<Learner.StepOutcome>> coordinator) {}

    private static Started start(LearnerSettings settings) {
        RecordingTrainer trainer = new RecordingTrainer();
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        return new Started(trainer, publisher, learner(settings, trainer, publisher), TEST_KIT.createTestProbe());
    }

    private static StepStats trainedStats(TestProbe<StatusReply<Learner.StepOutcome>> asker) {
        StatusReply<Learner.StepOutcome> reply = asker.receiveMessage(Duration.ofSeconds(30));
        assertTrue(reply.isSuccess(), () -> "trained, not " + reply);
        return reply.getValue().fold(Learner.StepTrained::stats, failed -> {
            throw new AssertionError("trained, not " + failed);
        });
    }

    private static EncodedWeights published(TestProbe<WeightPublisher.Command> publisher) {
        return ((WeightPublisher.Publish) publisher.receiveMessage(Duration.ofSeconds(30))).weights();
    }

    private static ScoredGroup scored(String sampleId, long version, double... totals) {
        List<Rollout> rollouts = new java.util.ArrayList<>();
        List<ResponseReward> rewards = new java.util.ArrayList<>();
        for (int i = 0; i < totals.length; i++) {
            rollouts.add(new Rollout("r" + i, TokenIds.of(7 + i, 8, 2), List.of(-1f, -0.5f, -0.25f), true));
            rewards.add(new ResponseReward(1, totals[i] - 1, new ParsedScore.Score(3)));
        }
        return new ScoredGroup(new RolloutGroup(new PromptRef(sampleId, QualityTask.SCORE), version, rollouts),
                rewards);
    }

    @Test
    void aColdStartStepTrainsOnTheTargetsTokensPublishesTheNextVersionAndRecordsTheStep(@TempDir Path dir)
            throws IOException {
        Started started = start(settings(dir, 0, false));
        TestProbe<Learner.ResumePoint> resume = TEST_KIT.createTestProbe();
        started.learner().tell(new Learner.GetResumePoint(resume.getRef()));
        assertEquals(new Learner.ResumePoint(0, 0, List.of()), resume.receiveMessage(Duration.ofSeconds(30)));

        List<SupervisedTarget> targets = List.of(new SupervisedTarget(new PromptRef("a", QualityTask.SCORE),
                "<answer>3</answer>"));
        started.learner().tell(new Learner.TrainColdStart(1, targets, CURSORS, started.coordinator().getRef()));
        StepStats stats = trainedStats(started.coordinator());
        assertEquals(1, stats.step());
        assertEquals(TrainingPhase.COLD_START, stats.phase());
        assertEquals(1, stats.weightVersion());
        assertEquals(0.75, stats.loss());

        EncodedWeights weights = published(started.publisher());
        assertEquals(1, weights.version());
        assertArrayEquals(started.trainer().policy.exportWeights(1).bytes(), weights.bytes(), "the policy's weights");
        assertEquals(1, started.trainer().policy.weightVersion());
        List<SupervisedExample> examples = started.trainer().supervised.get(0);
        assertEquals(1, examples.size());
        int[] text = started.trainer().policy.tokenizer().encode("<answer>3</answer>");
        assertEquals(text.length + 1, examples.get(0).targetTokens().length, "the target's tokens and the end token");
        assertEquals(started.trainer().policy.tokenizer().eosId(), examples.get(0).targetTokens()[text.length]);
        List<StepRecord> history = TrainingHistory.read(dir);
        assertEquals(List.of(1L), history.stream().map(StepRecord::getStep).toList());
        assertFalse(Files.exists(dir.resolve(CheckpointWriter.LATEST_METADATA)), "checkpoint-every 0: none");
        TEST_KIT.stop(started.learner());
        assertTrue(started.trainer().closed, "the learner releases its trainer when it stops");
    }

    @Test
    void aGrpoStepTrainsOnTheRolloutsTokensWithTheirAdvantagesAndReportsTheStaleness(@TempDir Path dir) {
        Started started = start(settings(dir, 0, false));
        started.learner().tell(new Learner.TrainColdStart(1,
                List.of(new SupervisedTarget(new PromptRef("a", QualityTask.SCORE), "x")), CURSORS,
                started.coordinator().getRef()));
        trainedStats(started.coordinator());
        published(started.publisher());

        List<ScoredGroup> groups = List.of(scored("a", 0, 2.0, 1.0), scored("b", 1, 1.0, 1.5));
        started.learner().tell(new Learner.TrainGrpo(2, groups, CURSORS, started.coordinator().getRef()));
        StepStats stats = trainedStats(started.coordinator());
        assertEquals(TrainingPhase.GRPO, stats.phase());
        assertEquals(2, stats.weightVersion());
        assertEquals(1, stats.maxStaleness(), "the first group was sampled with version 0, the learner held 1");
        assertEquals(0.5, stats.loss());
        assertEquals(0.01, stats.kl());
        assertEquals(1.375, stats.rewardMean());
        assertEquals(2, published(started.publisher()).version());

        GrpoBatch expected = GrpoBatch.of(groups, PROMPT_IMAGES, settings(dir, 0, false).advantageScaling(),
                false);
        List<GrpoSample> samples = started.trainer().grpo.get(0);
        assertEquals(4, samples.size());
        for (int i = 0; i < samples.size(); i++) {
            assertArrayEquals(expected.samples().get(i).tokens(), samples.get(i).tokens());
            assertArrayEquals(new int[] {7 + i % 2, 8, 2}, samples.get(i).tokens());
            assertArrayEquals(new float[] {-1f, -0.5f, -0.25f}, samples.get(i).behaviourLogProbs());
            assertEquals(expected.samples().get(i).advantage(), samples.get(i).advantage());
        }
        assertTrue(samples.get(0).advantage() > 0 && samples.get(1).advantage() < 0, "the better rollout gains");
        TEST_KIT.stop(started.learner());
    }

    @Test
    void aStepWhoseTrainerThrowsIsAnsweredAsFailedAndARestartedLearnerWithoutCheckpointStartsFromTheInitialWeights(
            @TempDir Path dir) {
        List<RecordingTrainer> trainers = new CopyOnWriteArrayList<>();
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        ActorRef<Learner.Command> learner = learner(settings(dir, 0, false), () -> {
            RecordingTrainer trainer = new RecordingTrainer();
            if (trainers.isEmpty()) {
                trainer.failNextStep = new IllegalStateException("injected device failure");
            }
            trainers.add(trainer);
            return trainer;
        }, publisher);
        TestProbe<StatusReply<Learner.StepOutcome>> coordinator = TEST_KIT.createTestProbe();
        List<ScoredGroup> groups = List.of(scored("a", 0, 2.0, 1.0));
        learner.tell(new Learner.TrainGrpo(1, groups, CURSORS, coordinator.getRef()));
        assertEquals(StatusReply.success(new Learner.StepFailed(1,
                        "GRPO step 1 failed: IllegalStateException: injected device failure", true)),
                coordinator.receiveMessage(Duration.ofSeconds(30)));

        // checkpoint-every 0: nothing to resume from; the restarted learner publishes the run's initial weights
        TestProbe<Learner.ResumePoint> resume = TEST_KIT.createTestProbe();
        learner.tell(new Learner.GetResumePoint(resume.getRef()));
        assertEquals(new Learner.ResumePoint(0, 0, List.of()), resume.receiveMessage(Duration.ofSeconds(30)));
        EncodedWeights initial = published(publisher);
        assertEquals(0, initial.version());
        assertEquals(2, trainers.size(), "a fresh trainer");
        assertTrue(trainers.get(0).closed, "the failed learner released its trainer");
        assertArrayEquals(trainers.get(1).policy.exportWeights(0).bytes(), initial.bytes());

        learner.tell(new Learner.TrainGrpo(1, groups, CURSORS, coordinator.getRef()));
        assertEquals(1, trainedStats(coordinator).weightVersion());
        assertEquals(1, published(publisher).version());
        TEST_KIT.stop(learner);
    }

    @Test
    void aDueCheckpointIsWrittenAndARestartedLearnerResumesFromIt(@TempDir Path dir) {
        Started started = start(settings(dir, 2, false));
        for (long step = 1; step <= 3; step++) {
            started.learner().tell(new Learner.TrainGrpo(step, List.of(scored("a", step - 1, 2.0, 1.0)), CURSORS,
                    started.coordinator().getRef()));
            trainedStats(started.coordinator());
        }
        published(started.publisher());
        EncodedWeights atStep2 = published(started.publisher());
        published(started.publisher());
        TEST_KIT.stop(started.learner());
        assertTrue(Files.exists(dir.resolve(CheckpointWriter.LATEST_METADATA)), "checkpoint-every 2: step 2");

        RecordingTrainer restarted = new RecordingTrainer();
        TestProbe<WeightPublisher.Command> newPublisher = TEST_KIT.createTestProbe();
        ActorRef<Learner.Command> resumed = learner(settings(dir, 2, true), restarted, newPublisher);
        TestProbe<Learner.ResumePoint> resume = TEST_KIT.createTestProbe();
        resumed.tell(new Learner.GetResumePoint(resume.getRef()));
        assertEquals(new Learner.ResumePoint(2, 2, CURSORS), resume.receiveMessage(Duration.ofSeconds(30)));
        EncodedWeights republished = published(newPublisher);
        assertEquals(2, republished.version());
        assertArrayEquals(atStep2.bytes(), republished.bytes());
        assertEquals(2, restarted.policy.weightVersion());
        assertEquals(2, restarted.restored.get(0).grpoOptimizerSteps(), "the trainer state of step 2");

        TestProbe<Learner.CheckpointSaved> saved = TEST_KIT.createTestProbe();
        resumed.tell(new Learner.SaveCheckpoint(2, saved.getRef()));
        assertFalse(saved.receiveMessage(Duration.ofSeconds(30)).path().isEmpty());
        TEST_KIT.stop(resumed);
    }
}
