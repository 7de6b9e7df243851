package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.google.protobuf.UnsafeByteOperations;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.gpu.model.EncodedWeights;

/**
 * A snapshot of many chunks pushed from a publisher in one ActorSystem to a receiver in another (a two-node cluster
 * over Artery on 127.0.0.1, Kryo on the wire, in this JVM) arrives byte-identical, through the acknowledged window.
 */
class WeightPushTest {
    private static final Config CONFIG = ConfigFactory.parseString("""
            akka.actor.provider = cluster
            akka.remote.artery.canonical.hostname = 127.0.0.1
            akka.remote.artery.canonical.port = 0
            akka.loglevel = WARNING
            visq.weights.chunk-size = 4 KiB
            visq.weights.max-in-flight = 16 KiB
            """).withFallback(ConfigFactory.load());
    private static final ActorTestKit LEARNER = ActorTestKit.create("weight-push", CONFIG);
    private static final ActorTestKit ROLLOUT = ActorTestKit.create("weight-push", CONFIG);

    @AfterAll
    static void shutdown() {
        ROLLOUT.shutdownTestKit();
        LEARNER.shutdownTestKit();
    }

    /** A holder that imports by handing each completed snapshot to {@code imported}. */
    private static Behavior<WeightChunk> holder(ActorRef<EncodedWeights> imported) {
        return Behaviors.setup(context -> {
            WeightReceiver receiver = WeightReceiver.spawn("test holder", context, chunk -> chunk, 0, imported::tell);
            return Behaviors.receiveMessage(chunk -> {
                receiver.receive(chunk);
                return Behaviors.same();
            });
        });
    }

    private static EncodedWeights randomWeights(long version, int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return EncodedWeights.of("m", version, UnsafeByteOperations.unsafeWrap(bytes));
    }

    @Test
    void aMultiChunkSnapshotArrivesByteIdenticalInAnotherActorSystem() {
        Cluster learner = Cluster.get(LEARNER.system());
        learner.manager().tell(Join.create(learner.selfMember().address()));
        Cluster.get(ROLLOUT.system()).manager().tell(Join.create(learner.selfMember().address()));
        TestProbe<EncodedWeights> imported = ROLLOUT.createTestProbe();
        ROLLOUT.spawn(holder(imported.getRef()), "holder");
        ActorRef<WeightPublisher.Command> publisher = LEARNER.spawn(
                WeightPublisher.create(WeightPublisher.Settings.fromConfig(CONFIG)), "publisher");

        // 300 chunks of 4 KiB and a short last one, at most 4 unacknowledged at a time
        EncodedWeights first = randomWeights(1, 300 * 4096 + 123, 1);
        publisher.tell(new WeightPublisher.Publish(first));
        EncodedWeights received = imported.expectMessageClass(EncodedWeights.class, Duration.ofSeconds(60));
        assertEquals(first, received, "same model, version, digest and bytes");
        assertTrue(received.digestMatches());

        EncodedWeights second = randomWeights(2, 100 * 4096, 2);
        publisher.tell(new WeightPublisher.Publish(second));
        assertEquals(second, imported.expectMessageClass(EncodedWeights.class, Duration.ofSeconds(60)));
    }
}
