package visq.gpu.model.checkpoint;

import static visq.gpu.model.checkpoint.SafetensorsFileTest.assertMessage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of corrupt file is refused at open with a message naming the file and the problem. */
class SafetensorsHeaderTest {

    @TempDir
    Path dir;

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private String openError(String header, int dataBytes) {
        Path path = SafetensorsFixtures.file(dir, "bad.safetensors", header, dataBytes);
        try (SafetensorsFile ignored = SafetensorsFile.open(path)) {
            throw new AssertionError("opened " + header);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().contains(path.toString())) {
                throw new AssertionError("message does not name the file: " + e.getMessage());
            }
            return e.getMessage();
        }
    }

    private void assertRefused(String header, int dataBytes, String fragment) {
        String message = openError(header, dataBytes);
        if (!message.contains(fragment)) {
            throw new AssertionError("expected '" + fragment + "' in: " + message);
        }
    }

    @Test
    void aValidHandMadeHeaderOpens() {
        Path path = SafetensorsFixtures.file(dir, "good.safetensors", "{" + A + "}", 8);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            SafetensorsFileTest.assertBitsEqual(new float[] {0, 0}, file.floats("a"), "a");
        }
    }

    @Test
    void fileShorterThanTheLengthField() {
        Path path = SafetensorsFixtures.bytes(dir, "short.safetensors", new byte[] {1, 2, 3});
        assertMessage("has 3 bytes: too short for the 8-byte header length", () -> SafetensorsFile.open(path));
    }

    @Test
    void headerLengthBeyondTheFile() {
        ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(1000).put("{}  ".getBytes(StandardCharsets.US_ASCII));
        Path path = SafetensorsFixtures.bytes(dir, "long.safetensors", bytes.array());
        assertMessage("declares a header of 1000 bytes but only 4 bytes follow the length",
                () -> SafetensorsFile.open(path));
    }

    @Test
    void absurdHeaderLength() {
        ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(-5).put("{}  ".getBytes(StandardCharsets.US_ASCII));
        Path path = SafetensorsFixtures.bytes(dir, "negative.safetensors", bytes.array());
        assertMessage("declares a header of -5 bytes", () -> SafetensorsFile.open(path));
    }

    @Test
    void headerThatIsNotJson() {
        assertRefused("{\"a\":", 0, "is not valid JSON");
        assertRefused("[1, 2]", 0, "does not start with '{'");
    }

    @Test
    void headerThatIsNotUtf8() {
        byte[] header = {'{', '"', (byte) 0xff, '"', ':', '1', '}', ' '};
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(8).put(header);
        Path path = SafetensorsFixtures.bytes(dir, "latin.safetensors", bytes.array());
        assertMessage("is not valid UTF-8", () -> SafetensorsFile.open(path));
    }

    @Test
    void unknownDtypeNamesTensorAndDtype() {
        assertRefused("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2,
                "tensor 'w' in " + dir.resolve("bad.safetensors") + " has unsupported dtype 'F8_E4M3'");
    }

    @Test
    void sizeThatDisagreesWithShapeAndDtype() {
        assertRefused("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8,
                "tensor 'w' in " + dir.resolve("bad.safetensors")
                        + ": data_offsets [0, 8] hold 8 bytes but shape [2, 3] of BF16 needs 12");
    }

    @Test
    void gapBetweenTensors() {
        assertRefused("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16,
                "tensor 'b' in " + dir.resolve("bad.safetensors")
                        + " begins at byte 12 but the previous tensor 'a' ends at 8");
    }

    @Test
    void overlappingTensors() {
        assertRefused("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
                "tensor 'b' in " + dir.resolve("bad.safetensors")
                        + " begins at byte 4 but the previous tensor 'a' ends at 8");
    }

    @Test
    void dataNotStartingAtZero() {
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
                "tensor 'a' in " + dir.resolve("bad.safetensors")
                        + " begins at byte 4 but the data section starts at 0");
    }

    @Test
    void offsetsBeyondTheData() {
        assertRefused("{" + A + "}", 4, "end at byte 8 of the data section but it holds 4 bytes");
        assertRefused("{" + A + "}", 12, "end at byte 8 of the data section but it holds 12 bytes");
    }

    @Test
    void malformedEntries() {
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8,
                "tensor 'a' in " + dir.resolve("bad.safetensors")
                        + " has shape [-2]: entries must be non-negative integers");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "tensor 'a' in "
                + dir.resolve("bad.safetensors") + " has no 'data_offsets'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8,
                "has 1 data_offsets, expected [begin, end]");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8,
                "data_offsets [8, 0] that end before they begin");
        assertRefused("{\"a\":[1]}", 0, "tensor 'a' in " + dir.resolve("bad.safetensors") + " is not a JSON object");
        assertRefused("{\"__metadata__\":{\"n\":3}}", 0, "__metadata__ entry 'n' in "
                + dir.resolve("bad.safetensors") + " is not a string: 3");
    }
}
