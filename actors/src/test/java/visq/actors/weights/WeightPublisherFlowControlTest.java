package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.google.protobuf.UnsafeByteOperations;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import visq.gpu.model.EncodedWeights;

/**
 * The publisher's flow control: a subscriber never has more than the window of chunks unacknowledged, each
 * acknowledgement releases one more, a new version starts over with a fresh window, and the chunks tile the snapshot.
 */
class WeightPublisherFlowControlTest {
    /** 1 KiB chunks, 3 KiB in flight: a window of 3 chunks. */
    private static final WeightPublisher.Settings SETTINGS = new WeightPublisher.Settings(1024, 3 * 1024);
    /** A system of its own per test: the receptionist lists only that test's subscriber. */
    private final ActorTestKit testKit = ActorTestKit.create();

    @AfterEach
    void shutdown() {
        testKit.shutdownTestKit();
    }

    private static EncodedWeights weights(long version, int size) {
        byte[] bytes = new byte[size];
        new Random(version).nextBytes(bytes);
        return EncodedWeights.of("m", version, UnsafeByteOperations.unsafeWrap(bytes));
    }

    private TestProbe<WeightChunk> subscriber() {
        TestProbe<WeightChunk> subscriber = testKit.createTestProbe();
        TestProbe<Receptionist.Registered> registered = testKit.createTestProbe();
        testKit.system().receptionist().tell(
                Receptionist.register(WeightSubscribers.KEY, subscriber.getRef(), registered.getRef()));
        registered.expectMessageClass(Receptionist.Registered.class);
        return subscriber;
    }

    private static void acknowledge(ActorRef<WeightPublisher.Command> publisher, TestProbe<WeightChunk> subscriber,
            WeightChunk chunk) {
        publisher.tell(new WeightPublisher.ChunkReceived(subscriber.getRef(), chunk.lineage(), chunk.version(),
                chunk.index()));
    }

    @Test
    void aSubscriberGetsAtMostTheWindowUnacknowledged() {
        TestProbe<WeightChunk> subscriber = subscriber();
        ActorRef<WeightPublisher.Command> publisher = testKit.spawn(WeightPublisher.create(SETTINGS));
        EncodedWeights snapshot = weights(1, 10 * 1024 + 5); // 11 chunks
        publisher.tell(new WeightPublisher.Publish(snapshot));

        WeightAssembly assembly = WeightAssembly.holding(0);
        ArrayDeque<WeightChunk> unacknowledged = new ArrayDeque<>();
        for (int i = 0; i < 3; i++) {
            unacknowledged.add(subscriber.expectMessageClass(WeightChunk.class));
        }
        subscriber.expectNoMessage(Duration.ofMillis(200));
        int next = 3;
        while (!unacknowledged.isEmpty()) {
            WeightChunk oldest = unacknowledged.poll();
            assembly = assembly.updated(oldest);
            acknowledge(publisher, subscriber, oldest);
            if (next < 11) {
                WeightChunk released = subscriber.expectMessageClass(WeightChunk.class);
                assertEquals(next++, released.index(), "one more chunk per acknowledgement, in order");
                assertEquals(11, released.count());
                unacknowledged.add(released);
            }
        }
        subscriber.expectNoMessage(Duration.ofMillis(200));
        assertEquals(snapshot, assembly.completed().orElseThrow(), "the chunks tile the snapshot");
    }

    @Test
    void aNewVersionStartsOverWithAFreshWindowAndOldAcknowledgementsDoNotCount() {
        TestProbe<WeightChunk> subscriber = subscriber();
        ActorRef<WeightPublisher.Command> publisher = testKit.spawn(WeightPublisher.create(SETTINGS));
        publisher.tell(new WeightPublisher.Publish(weights(1, 8 * 1024)));
        WeightChunk old = null;
        for (int i = 0; i < 3; i++) {
            old = subscriber.expectMessageClass(WeightChunk.class);
        }
        publisher.tell(new WeightPublisher.Publish(weights(2, 8 * 1024)));
        for (int i = 0; i < 3; i++) {
            WeightChunk chunk = subscriber.expectMessageClass(WeightChunk.class);
            assertEquals(2, chunk.version());
            assertEquals(i, chunk.index());
        }
        acknowledge(publisher, subscriber, old);
        subscriber.expectNoMessage(Duration.ofMillis(200));
    }
}
