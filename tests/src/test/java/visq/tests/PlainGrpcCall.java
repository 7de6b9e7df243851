package visq.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One call through grpc-java's plain {@link ClientCall} API, as any gRPC client makes it (no Akka, no Visq client
 * code): the messages and then the closing status arrive in a queue, in order.
 */
final class PlainGrpcCall<Q extends Message, R extends Message> {
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final ClientCall<Q, R> call;

    PlainGrpcCall(Channel channel, MethodDescriptor<Q, R> method) {
        call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(R message) {
                received.add(message);
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                received.add(status);
            }
        }, new Metadata());
        call.request(1);
    }

    static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(String fullName,
            MethodDescriptor.MethodType type, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder().setType(type).setFullMethodName(fullName)
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response)).build();
    }

    PlainGrpcCall<Q, R> send(Q message) {
        call.sendMessage(message);
        return this;
    }

    PlainGrpcCall<Q, R> halfClose() {
        call.halfClose();
        return this;
    }

    /** The next message within {@code seconds}; fails when the call ends instead. */
    @SuppressWarnings("unchecked")
    R next(long seconds) throws InterruptedException {
        Object next = received.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(next, "nothing arrived within " + seconds + " s");
        if (next instanceof Status status) {
            throw status.asRuntimeException();
        }
        return (R) next;
    }

    /** The status the call ended with; fails when a message arrives instead. */
    Status end() throws InterruptedException {
        Object next = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(next, "the call did not end within 30 s");
        assertTrue(next instanceof Status, "a message arrived instead of the end: " + next);
        return (Status) next;
    }
}
