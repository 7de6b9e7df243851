package visq.actors.router;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for the gRPC endpoint, read from {@code visq.grpc.tls}: off by default; when enabled, the server's
 * key and certificate chain come from a PKCS#12 keystore file.
 */
public record TlsSettings(boolean enabled, Path keystore, String password) {

    /** Plaintext HTTP/2. */
    public static TlsSettings disabled() {
        return new TlsSettings(false, Path.of(""), "");
    }

    public static TlsSettings fromConfig(Config config) {
        Config c = config.getConfig("visq.grpc.tls");
        return new TlsSettings(c.getBoolean("enabled"), Path.of(c.getString("keystore")), c.getString("password"));
    }

    /** The server's SSL context, or empty when TLS is off; a missing or unreadable keystore is an error naming it. */
    public Optional<SSLContext> serverContext() {
        if (!enabled) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("visq.grpc.tls.keystore " + keystore + " cannot be used: " + e.getMessage(),
                    e);
        }
    }
}
