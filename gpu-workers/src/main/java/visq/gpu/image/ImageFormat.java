package visq.gpu.image;

import java.util.Optional;

/** The encoded formats Visq accepts, recognised by their magic bytes rather than by file names. */
public enum ImageFormat {
    PNG("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
    JPEG("jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    BMP("bmp", new byte[] {'B', 'M'});

    private final String imageIoName;
    private final byte[] magic;

    ImageFormat(String imageIoName, byte[] magic) {
        this.imageIoName = imageIoName;
        this.magic = magic;
    }

    /** The format name {@link javax.imageio.ImageIO} knows this format by. */
    public String imageIoName() {
        return imageIoName;
    }

    /** The format whose magic bytes {@code encoded} starts with, or empty. */
    public static Optional<ImageFormat> sniff(byte[] encoded) {
        for (ImageFormat format : values()) {
            if (format.matches(encoded)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** The first bytes of {@code encoded} in hex (at most eight), for messages about unknown formats. */
    public static String describeStart(byte[] encoded) {
        StringBuilder text = new StringBuilder();
        int shown = Math.min(8, encoded.length);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(String.format("%02X", encoded[i] & 0xFF));
        }
        return text.toString();
    }

    private boolean matches(byte[] encoded) {
        if (encoded.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (encoded[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
