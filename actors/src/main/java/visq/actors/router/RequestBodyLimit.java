package visq.actors.router;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import akka.stream.Materializer;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bounds the body of every gRPC request before the service sees it.
 *
 * <p>A body of at most {@code maxBytes} is collected and passed on. A larger one is read to its end and discarded
 * (memory stays bounded by {@code maxBytes}), then answered with gRPC status RESOURCE_EXHAUSTED naming the limit:
 * answering before the client has finished sending would reset its HTTP/2 stream, and the client would only see
 * CANCELLED. A body larger than {@code drainBytes} is not read further: the stream fails (and is reset), so a client
 * cannot keep a connection busy forever.
 */
final class RequestBodyLimit {
    private final long maxBytes;
    private final long drainBytes;
    private final Materializer materializer;
    private final Runnable onTooLarge;

    /** {@code onTooLarge} runs for every request answered as too large. */
    RequestBodyLimit(long maxBytes, long drainBytes, Materializer materializer, Runnable onTooLarge) {
        if (maxBytes <= 0 || drainBytes < maxBytes) {
            throw new IllegalArgumentException("need 0 < maxBytes <= drainBytes, got " + maxBytes + ", " + drainBytes);
        }
        this.maxBytes = maxBytes;
        this.drainBytes = drainBytes;
        this.materializer = materializer;
        this.onTooLarge = onTooLarge;
    }

    /** {@code handler} behind this limit. */
    Function<HttpRequest, CompletionStage<HttpResponse>> guard(
            Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
        return request -> request.entity().getDataBytes()
                .runFold(new Body(), this::append, materializer)
                .thenCompose(body -> {
                    if (body.bytes == null) {
                        onTooLarge.run();
                        return CompletableFuture.completedFuture(tooLarge(body.length));
                    }
                    try {
                        return handler.apply(request.withEntity(
                                HttpEntities.create(request.entity().getContentType(), body.bytes.result())));
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                });
    }

    private Body append(Body body, ByteString chunk) {
        body.length += chunk.size();
        if (body.length > drainBytes) {
            throw new IllegalStateException("request body passed " + drainBytes + " bytes; stopped reading it");
        }
        if (body.bytes != null) {
            if (body.length <= maxBytes) {
                body.bytes.append(chunk);
            } else {
                body.bytes = null; // over the limit: keep counting, drop what was collected
            }
        }
        return body;
    }

    private HttpResponse tooLarge(long length) {
        return GrpcStatusResponse.of(io.grpc.Status.Code.RESOURCE_EXHAUSTED,
                "request of " + length + " bytes is larger than the limit of " + maxBytes + " bytes");
    }

    /** The body read so far: its bytes while within the limit (null once over it) and its length. */
    private static final class Body {
        ByteStringBuilder bytes = new ByteStringBuilder();
        long length;
    }
}
