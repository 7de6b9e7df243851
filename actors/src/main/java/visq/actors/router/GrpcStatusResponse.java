package visq.actors.router;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;

/**
 * A gRPC "trailers-only" response (HTTP 200, no messages, {@code grpc-status} and {@code grpc-message} as headers) for
 * the checks that answer before any service sees a request.
 */
final class GrpcStatusResponse {
    private GrpcStatusResponse() {}

    static HttpResponse of(Status.Code code, String message) {
        return HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.parse("application/grpc"), new byte[0]))
                .addHeader(RawHeader.create("grpc-status", Integer.toString(code.value())))
                .addHeader(RawHeader.create("grpc-message", percentEncoded(message)));
    }

    /** grpc-message is percent-encoded outside printable ASCII (and '%' itself), per the gRPC HTTP/2 spec. */
    private static String percentEncoded(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
