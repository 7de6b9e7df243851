package visq.gpu.image.features;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Pooled image features kept on disk between runs, one file per image content: the key is the SHA-256 of what
 * produced the features (a description of the network and its settings) and of the image's size and pixels, so a
 * file is only ever read back for the same pixels through the same network. A training corpus computes the
 * features of its images once per machine; later runs and evaluations read them back.
 *
 * <p>Files are written to a temporary name and moved into place, so concurrent writers (several JVMs sharing a work
 * directory) never expose a partial file; a file of the wrong length is ignored and recomputed.
 */
public final class FeatureStore {

    private static final String SUFFIX = ".f32";

    private final Path directory;

    /** A store under {@code directory} (created on first write). */
    public FeatureStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /** The key of {@code image}'s features produced by {@code producer} (any text naming network and settings). */
    public static String key(String producer, BufferedImage image) {
        MessageDigest digest = sha256();
        digest.update(producer.getBytes(StandardCharsets.UTF_8));
        int[] pixels = IntRgbImages.pixels(IntRgbImages.toIntRgb(image));
        ByteBuffer bytes = ByteBuffer.allocate(8 + 4 * pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(image.getWidth()).putInt(image.getHeight());
        for (int pixel : pixels) {
            bytes.putInt(pixel & 0xFFFFFF);
        }
        digest.update(bytes.array());
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The stored features under {@code key}, when there are exactly {@code length} of them. */
    public Optional<float[]> read(String key, int length) {
        Path file = file(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored image features " + file, e);
        }
        if (bytes.length != 4 * length) {
            return Optional.empty();
        }
        float[] values = new float[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return Optional.of(values);
    }

    /** Stores {@code values} under {@code key}, replacing what was there. */
    public void write(String key, float[] values) {
        Path file = file(key);
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), key, ".tmp");
            try {
                Files.write(temporary, bytes.array());
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store image features in " + directory, e);
        }
    }

    private Path file(String key) {
        return directory.resolve(key.substring(0, 2)).resolve(key + SUFFIX);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "FeatureStore[" + directory + "]";
    }
}
