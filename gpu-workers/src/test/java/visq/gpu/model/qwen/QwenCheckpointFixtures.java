package visq.gpu.model.qwen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import visq.gpu.golden.StrictJson;

/**
 * The Qwen fixtures (tools/qwen-reference/make_fixtures.py: tiny checkpoints saved by transformers, golden values)
 * and the real Qwen tokenizer of the shared material, for the checkpoint and tokenizer tests.
 */
final class QwenCheckpointFixtures {

    static final String[] VARIANTS = {"qwen2_5_vl", "qwen2_vl"};

    private QwenCheckpointFixtures() {}

    /** {@code qwen/<relative>} on the test classpath. */
    static Path resource(String relative) {
        try {
            return Path.of(QwenCheckpointFixtures.class.getResource("/qwen/" + relative).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no fixture qwen/" + relative + " on the test classpath", e);
        }
    }

    static Path checkpoint(String variant) {
        return resource(variant + "/checkpoint");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path file) {
        try {
            return (Map<String, Object>) StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Qwen's real tokenizer directory (151,669 ids), from the shared material. */
    static Path realTokenizer() {
        String configured = System.getProperty("visq.shared");
        Path shared = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        Path dir = shared.resolve("models/qwen-tokenizer").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalStateException("Qwen tokenizer not found at " + dir + " (set -Dvisq.shared)");
        }
        return dir;
    }

    /** A writable copy of fixture checkpoint {@code variant} under {@code dir}. */
    static Path copy(String variant, Path dir) {
        Path target = dir.resolve(variant);
        try (Stream<Path> files = Files.list(checkpoint(variant))) {
            Files.createDirectories(target);
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Replaces the one occurrence of the ASCII text {@code from} in {@code file} by {@code to}; the file is read as
     * bytes (ISO-8859-1), so binary files such as safetensors headers can be edited too.
     */
    static void rewrite(Path file, String from, String to) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(from);
            if (at < 0 || text.indexOf(from, at + 1) >= 0) {
                throw new IllegalStateException("'" + from + "' does not occur exactly once in " + file);
            }
            Files.writeString(file, text.replace(from, to), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
