package visq.actors.router;

import akka.grpc.GrpcServiceException;
import akka.grpc.javadsl.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Checks the {@code authorization: Bearer <token>} header of a gRPC request against the configured token
 * ({@code visq.grpc.bearer-token}; empty disables the check). Compares in constant time.
 */
public final class BearerTokenCheck {
    private static final String PREFIX = "Bearer ";

    private final Optional<byte[]> expected;

    public BearerTokenCheck(String token) {
        this.expected = token.isEmpty() ? Optional.empty() : Optional.of(token.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return expected.isPresent();
    }

    /** The UNAUTHENTICATED failure for {@code metadata}, or empty when the request may proceed. */
    public Optional<GrpcServiceException> failure(Metadata metadata) {
        return failure(metadata.getText("authorization"));
    }

    /** The UNAUTHENTICATED failure for the value of the {@code authorization} header, or empty when it may proceed. */
    public Optional<GrpcServiceException> failure(Optional<String> header) {
        if (expected.isEmpty()) {
            return Optional.empty();
        }
        if (header.isEmpty()) {
            return Optional.of(unauthenticated("missing bearer token: send 'authorization: Bearer <token>'"));
        }
        if (!header.get().startsWith(PREFIX)) {
            return Optional.of(unauthenticated("authorization header is not a bearer token"));
        }
        byte[] given = header.get().substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected.get())) {
            return Optional.of(unauthenticated("bearer token does not match"));
        }
        return Optional.empty();
    }

    /** {@code call}'s result when the request may proceed, else the UNAUTHENTICATED failure (and no call). */
    public <T> CompletionStage<T> guard(Metadata metadata, Supplier<CompletionStage<T>> call) {
        return failure(metadata).<CompletionStage<T>>map(CompletableFuture::failedFuture).orElseGet(call);
    }

    private static GrpcServiceException unauthenticated(String message) {
        return new GrpcServiceException(Status.UNAUTHENTICATED.withDescription(message));
    }
}
