package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.gpu.model.EncodedWeights;

/**
 * The weight publisher actor with subscribers registered at the receptionist, as workers' and routers' inboxes
 * are; the subscribers are probes that reassemble what they receive with the workers' {@link WeightAssembly}.
 */
class WeightPublisherTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final int CHUNK_BYTES = 1024;
    /** Far more than a snapshot here: these probes never acknowledge (WeightPublisherFlowControlTest does). */
    private static final long WINDOW_BYTES = 1 << 20;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static EncodedWeights weights(long version, int size) {
        byte[] bytes = new byte[size];
        new Random(version).nextBytes(bytes);
        return EncodedWeights.of("m", version, bytes);
    }

    private static TestProbe<WeightChunk> subscriber() {
        TestProbe<WeightChunk> subscriber = TEST_KIT.createTestProbe();
        TestProbe<Receptionist.Registered> registered = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(WeightSubscribers.KEY, subscriber.getRef(),
                registered.getRef()));
        registered.receiveMessage();
        return subscriber;
    }

    /** Receives {@code count} chunks and reassembles them as a worker does. */
    private static EncodedWeights receiveSnapshot(TestProbe<WeightChunk> subscriber, int count) {
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : subscriber.receiveSeveralMessages(count)) {
            assertEquals(count, chunk.count());
            assembly = assembly.updated(chunk);
        }
        return assembly.completed().orElseThrow();
    }

    @Test
    void everySubscriberGetsEachVersionInBoundedChunksAndANewcomerOnlyTheNewest() {
        TestProbe<WeightChunk> early = subscriber();
        ActorRef<WeightPublisher.Command> publisher =
                TEST_KIT.spawn(WeightPublisher.create(new WeightPublisher.Settings(CHUNK_BYTES, WINDOW_BYTES)));
        early.expectNoMessage(Duration.ofMillis(100)); // nothing published yet

        EncodedWeights v1 = weights(1, 3000);
        publisher.tell(new WeightPublisher.Publish(v1));
        EncodedWeights received = receiveSnapshot(early, 3); // ceil(3000 / 1024)
        assertEquals(1, received.version());
        assertArrayEquals(v1.bytes(), received.bytes());

        EncodedWeights v2 = weights(2, 1500);
        publisher.tell(new WeightPublisher.Publish(v2));
        assertArrayEquals(v2.bytes(), receiveSnapshot(early, 2).bytes());

        TestProbe<WeightChunk> late = subscriber();
        EncodedWeights caughtUp = receiveSnapshot(late, 2);
        assertEquals(2, caughtUp.version(), "a newcomer jumps straight to the newest version");
        assertArrayEquals(v2.bytes(), caughtUp.bytes());
        late.expectNoMessage(Duration.ofMillis(100));
        early.expectNoMessage(Duration.ofMillis(100)); // the old subscriber is not sent v2 twice
        TEST_KIT.stop(publisher); // the test kit is shared: later subscribers must not hear from it
    }

    @Test
    void eachPublisherIsALineageOfItsOwn() {
        TestProbe<WeightChunk> subscriber = subscriber();
        ActorRef<WeightPublisher.Command> first =
                TEST_KIT.spawn(WeightPublisher.create(new WeightPublisher.Settings(CHUNK_BYTES, WINDOW_BYTES)));
        ActorRef<WeightPublisher.Command> restarted =
                TEST_KIT.spawn(WeightPublisher.create(new WeightPublisher.Settings(CHUNK_BYTES, WINDOW_BYTES)));
        first.tell(new WeightPublisher.Publish(weights(7, 100)));
        WeightChunk beforeRestart = subscriber.receiveMessage();
        first.tell(new WeightPublisher.Publish(weights(8, 100)));
        assertEquals(beforeRestart.lineage(), subscriber.receiveMessage().lineage(), "one publisher, one lineage");
        restarted.tell(new WeightPublisher.Publish(weights(3, 100)));
        WeightChunk afterRestart = subscriber.receiveMessage();
        assertEquals(3, afterRestart.version());
        assertNotEquals(beforeRestart.lineage(), afterRestart.lineage());
        // the worker's assembly takes the lower version of the new lineage
        WeightAssembly assembly = WeightAssembly.holding(0).updated(beforeRestart).holdingCompleted()
                .updated(afterRestart);
        assertEquals(3, assembly.completed().orElseThrow().version());
        TEST_KIT.stop(first);
        TEST_KIT.stop(restarted);
    }

    @Test
    void weightsWhoseBytesDoNotMatchTheirSha256AreNotPublished() {
        TestProbe<WeightChunk> subscriber = subscriber();
        ActorRef<WeightPublisher.Command> publisher =
                TEST_KIT.spawn(WeightPublisher.create(new WeightPublisher.Settings(CHUNK_BYTES, WINDOW_BYTES)));
        EncodedWeights intact = weights(5, 2000);
        byte[] damaged = intact.bytes();
        damaged[1500] ^= 4;
        publisher.tell(new WeightPublisher.Publish(new EncodedWeights("m", 5, damaged, intact.sha256())));
        subscriber.expectNoMessage(Duration.ofMillis(200)); // receivers check chunks, not the whole SHA-256 again
        publisher.tell(new WeightPublisher.Publish(intact));
        assertArrayEquals(intact.bytes(), receiveSnapshot(subscriber, 2).bytes());
        TEST_KIT.stop(publisher);
    }
}
