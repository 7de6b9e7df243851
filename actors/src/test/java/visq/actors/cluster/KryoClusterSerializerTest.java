package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.pattern.StatusReply;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.learner.StepStats;
import visq.actors.learner.TrainingPhase;
import visq.actors.coordinator.TrainingProgress;
import visq.actors.learner.Learner;
import visq.actors.protocol.ClusterMessage;
import visq.actors.reward.RewardScorer;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.TokenIds;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.RolloutWorker;
import visq.actors.router.InferenceRouter;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightPublisher;
import visq.gpu.image.ImageTensor;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;

/**
 * Every kind of cluster message survives the Kryo serializer that Akka binds to {@link ClusterMessage} (weight chunks
 * have a serializer of their own: {@code WeightChunkSerializerTest}).
 */
class KryoClusterSerializerTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ConfigFactory.parseString(
            "akka.actor.provider = cluster\nakka.remote.artery.canonical.port = 0\nakka.loglevel = WARNING")
            .withFallback(ConfigFactory.load()));

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static Object roundTrip(Object message) {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system()));
        Serializer serializer = serialization.findSerializerFor(message);
        assertEquals(KryoClusterSerializer.IDENTIFIER, serializer.identifier(), "bound serializer of " + message);
        byte[] bytes = serializer.toBinary(message);
        return serializer.fromBinary(bytes);
    }

    /** Through whichever serializer Akka binds (a status reply's own, which hands its payload to Kryo). */
    private static Object boundRoundTrip(Object message) {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system()));
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serializer.toBinary(message);
        return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
                .get();
    }

    @Test
    void rolloutMessagesRoundTrip() {
        TestProbe<StatusReply<RolloutWorker.GroupsGenerated>> probe = TEST_KIT.createTestProbe();
        PromptRef prompt = new PromptRef("kodak-degraded/kodim01-c0-blur-2", QualityTask.DEGRADATION);
        var request = new RolloutWorker.GenerateGroups(7, List.of(prompt), List.of(42L), 6,
                new SamplingSettings(1.0, 50, 1.0, 96, false), 3L, 5L, probe.getRef());
        assertEquals(request, roundTrip(request));
        Rollout rollout = new Rollout("<think>\nx\n</think>", TokenIds.of(5, 6, 2), List.of(-0.5f, -1.25f, -0.125f),
                true);
        var generated = new RolloutWorker.GroupsGenerated(7, "w", List.of(new RolloutGroup(prompt, 3, List.of(rollout))),
                1.5);
        assertEquals(generated, roundTrip(generated));
        assertEquals(StatusReply.success(generated), boundRoundTrip(StatusReply.success(generated)));
        assertEquals(StatusReply.error("boom"), boundRoundTrip(StatusReply.error("boom")));
    }

    @Test
    void imagesAcknowledgementsAndProgressRoundTrip() {
        TestProbe<RolloutWorker.AnswerOutcome> probe = TEST_KIT.createTestProbe();
        byte[] pixels = new byte[3 * 4 * 8];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        var route = new InferenceRouter.RoutePrompt("r1", QualityTask.SCORE, List.of(ImageTensor.of(4, 8, pixels)), 0,
                probe.getRef());
        assertEquals(route, roundTrip(route));
        var described = new InferenceRouter.RoutePrompt("r2", QualityTask.SCORE,
                List.of(ImageTensor.of(4, 8, pixels).withStatistics(new float[] {0.5f, -1.25f, 0f})), 0,
                probe.getRef());
        assertEquals(described, roundTrip(described));
        TestProbe<WeightChunk> subscriber = TEST_KIT.createTestProbe();
        var received = new WeightPublisher.ChunkReceived(subscriber.getRef(), "lineage-1", 3, 1);
        assertEquals(received, roundTrip(received));
        StepStats stats = new StepStats(3, TrainingPhase.GRPO, 3, 0.5, 1.0, 0.25, 0.1, 0.01, 0.0, Double.NaN, 0, 2.0, 1);
        TrainingProgress progress = TrainingProgress.start(2, 2).updated(new TrainingProgress.StepCompleted(stats));
        assertEquals(progress, roundTrip(progress));
        Learner.StepFailed failed = new Learner.StepFailed(4, "GRPO step 4 failed: IllegalStateException: x", true);
        assertEquals(failed, roundTrip(failed));
        Rollout scoreRollout = new Rollout("a", TokenIds.of(1), List.of(-1f), false);
        var scored = new RewardScorer.GroupsScored(1, List.of(new ScoredGroup(
                new RolloutGroup(new PromptRef("s", QualityTask.SCORE), 1, List.of(scoreRollout, scoreRollout)),
                List.of(new ResponseReward(1, 0, new ParsedScore.Score(3.5)),
                        new ResponseReward(0, 0, new ParsedScore.Unparsable("no <answer>...</answer> block")))),
                new ScoredGroup(new RolloutGroup(new PromptRef("d", QualityTask.DEGRADATION), 1, List.of(scoreRollout)),
                        List.of(new ResponseReward(1, 0.25,
                                new ParsedDegradation.Answer(Optional.of("blur"), Optional.empty()))))));
        assertEquals(scored, roundTrip(scored));
    }

    @Test
    void actorReferencesResolveBackToTheSameActor() {
        TestProbe<StatusReply<Learner.StepOutcome>> probe = TEST_KIT.createTestProbe();
        var command = new Learner.TrainGrpo(4, List.of(),
                List.of(new visq.actors.learner.PlanCursor(QualityTask.SCORE, "clive", 2, 5)), probe.getRef());
        Learner.TrainGrpo back = (Learner.TrainGrpo) roundTrip(command);
        back.replyTo().tell(StatusReply.error("x"));
        assertEquals(StatusReply.error("x"), probe.receiveMessage());
    }

    @Test
    void tokenIdsRoundTripAsOneVarintPerIdNotAsBoxedIntegers() {
        Serializer kryo = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system())).serializerByIdentity()
                .apply(KryoClusterSerializer.IDENTIFIER);
        for (TokenIds ids : List.of(TokenIds.of(), TokenIds.of(0), TokenIds.of(5, 300, 151_643),
                TokenIds.of(-1, Integer.MAX_VALUE, Integer.MIN_VALUE))) {
            assertEquals(ids, kryo.fromBinary(kryo.toBinary(ids)));
        }
        // the class id, the count, then 1, 2 and 3 bytes for ids below 2^7, 2^14 and 2^21 (a boxed Integer would add
        // a class id to each)
        assertEquals(1 + 1 + 1 + 2 + 3, kryo.toBinary(TokenIds.of(5, 300, 151_643)).length);
    }

    @Test
    void unregisteredClassesAreRefused() {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system()));
        Serializer kryo = serialization.serializerByIdentity().apply(KryoClusterSerializer.IDENTIFIER);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> kryo.toBinary(new java.util.HashMap<String, String>()));
        assertTrue(refused.getMessage().contains("not registered"), refused.getMessage());
    }
}
