package visq.actors.router;

import akka.grpc.GrpcServiceException;
import akka.grpc.javadsl.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Checks the {@code authorization: Bearer <token>} header of a gRPC request against the configured token
 * ({@code visq.grpc.bearer-token}; empty disables the check) and the tokens accepted besides it while clients move
 * from one token to the next ({@code visq.grpc.additional-bearer-tokens}). Compares in constant time: the given token
 * is compared with every accepted one, whichever matches.
 */
public final class BearerTokenCheck {
    private static final String PREFIX = "Bearer ";

    private final List<byte[]> accepted;

    /** Accepts {@code token} alone; an empty one disables the check. */
    public BearerTokenCheck(String token) {
        this(token, List.of());
    }

    /**
     * Accepts {@code token} and each of {@code additional}; an empty {@code token} disables the check, and then
     * {@code additional} must be empty too (a list alone would switch authentication on unnoticed).
     */
    public BearerTokenCheck(String token, List<String> additional) {
        if (token.isEmpty() && !additional.isEmpty()) {
            throw new IllegalArgumentException("additional bearer tokens need a bearer token (visq.grpc.bearer-token)");
        }
        if (additional.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("an additional bearer token is empty");
        }
        this.accepted = token.isEmpty() ? List.of()
                : Stream.concat(Stream.of(token), additional.stream())
                        .map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean enabled() {
        return !accepted.isEmpty();
    }

    /** The UNAUTHENTICATED failure for {@code metadata}, or empty when the request may proceed. */
    public Optional<GrpcServiceException> failure(Metadata metadata) {
        return failure(metadata.getText("authorization"));
    }

    /** The UNAUTHENTICATED failure for the value of the {@code authorization} header, or empty when it may proceed. */
    public Optional<GrpcServiceException> failure(Optional<String> header) {
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        if (header.isEmpty()) {
            return Optional.of(unauthenticated("missing bearer token: send 'authorization: Bearer <token>'"));
        }
        if (!header.get().startsWith(PREFIX)) {
            return Optional.of(unauthenticated("authorization header is not a bearer token"));
        }
        byte[] given = header.get().substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!matchesAny(given)) {
            return Optional.of(unauthenticated("bearer token does not match"));
        }
        return Optional.empty();
    }

    /** Compares {@code given} with every accepted token, without stopping at a match, each in constant time. */
    private boolean matchesAny(byte[] given) {
        boolean matched = false;
        for (byte[] token : accepted) {
            matched |= MessageDigest.isEqual(given, token);
        }
        return matched;
    }

    /** {@code call}'s result when the request may proceed, else the UNAUTHENTICATED failure (and no call). */
    public <T> CompletionStage<T> guard(Metadata metadata, Supplier<CompletionStage<T>> call) {
        return failure(metadata).<CompletionStage<T>>map(CompletableFuture::failedFuture).orElseGet(call);
    }

    private static GrpcServiceException unauthenticated(String message) {
        return new GrpcServiceException(Status.UNAUTHENTICATED.withDescription(message));
    }
}
