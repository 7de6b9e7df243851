package visq.gpu.model.qwen;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * The ids a Hugging Face tokenizer.json assigns, read without building the tokenizer: its added tokens (Qwen's
 * {@code <|im_start|>}, {@code <|image_pad|>}...) and the number of ids (one past the largest id of the model
 * vocabulary and the added tokens). The file is streamed: a 151k-token vocabulary is never held as a tree.
 */
public final class QwenTokenizerVocabulary {

    private final Path file;
    private final Map<String, Integer> addedTokens;
    private final Set<Integer> specialIds;
    private final int size;

    private QwenTokenizerVocabulary(Path file, Map<String, Integer> addedTokens, Set<Integer> specialIds, int size) {
        this.file = file;
        this.addedTokens = Collections.unmodifiableMap(addedTokens);
        this.specialIds = Collections.unmodifiableSet(specialIds);
        this.size = size;
    }

    /**
     * Reads {@code tokenizerJson}.
     *
     * @throws InvalidCheckpointException when it is missing or not a tokenizer.json
     */
    public static QwenTokenizerVocabulary read(Path tokenizerJson) {
        Map<String, Integer> added = new LinkedHashMap<>();
        Set<Integer> special = new TreeSet<>();
        int[] largest = {-1};
        boolean sawModel = false;
        try (Reader reader = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8);
                JsonReader json = new JsonReader(reader)) {
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("added_tokens") && json.peek() == JsonToken.BEGIN_ARRAY) {
                    readAddedTokens(json, added, special, largest, tokenizerJson);
                } else if (name.equals("model") && json.peek() == JsonToken.BEGIN_OBJECT) {
                    sawModel = true;
                    readModel(json, largest);
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException("tokenizer file " + tokenizerJson + " is missing", e);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new InvalidCheckpointException(tokenizerJson + " is not a valid tokenizer.json: " + e.getMessage(), e);
        }
        if (!sawModel || largest[0] < 0) {
            throw new InvalidCheckpointException(tokenizerJson + " has no model vocabulary");
        }
        return new QwenTokenizerVocabulary(tokenizerJson, added, special, largest[0] + 1);
    }

    private static void readAddedTokens(JsonReader json, Map<String, Integer> added, Set<Integer> special,
            int[] largest, Path file) throws IOException {
        json.beginArray();
        while (json.hasNext()) {
            json.beginObject();
            Integer id = null;
            String content = null;
            boolean isSpecial = false;
            while (json.hasNext()) {
                String key = json.nextName();
                if (key.equals("id")) {
                    id = json.nextInt();
                } else if (key.equals("content")) {
                    content = json.nextString();
                } else if (key.equals("special")) {
                    isSpecial = json.nextBoolean();
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (id == null || content == null) {
                throw new InvalidCheckpointException(file + " has an added token without id or content");
            }
            added.put(content, id);
            if (isSpecial) {
                special.add(id);
            }
            largest[0] = Math.max(largest[0], id);
        }
        json.endArray();
    }

    private static void readModel(JsonReader json, int[] largest) throws IOException {
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            if (key.equals("vocab") && json.peek() == JsonToken.BEGIN_OBJECT) {
                json.beginObject();
                while (json.hasNext()) {
                    json.nextName();
                    largest[0] = Math.max(largest[0], json.nextInt());
                }
                json.endObject();
            } else if (key.equals("vocab") && json.peek() == JsonToken.BEGIN_ARRAY) {
                int count = 0;
                json.beginArray();
                while (json.hasNext()) {
                    json.skipValue();
                    count++;
                }
                json.endArray();
                largest[0] = Math.max(largest[0], count - 1);
            } else {
                json.skipValue();
            }
        }
        json.endObject();
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The added tokens, content to id, in file order. */
    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    /** The id of added token {@code content}, if the file has it. */
    public OptionalInt addedTokenId(String content) {
        Integer id = addedTokens.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Ids of the added tokens marked special. */
    public Set<Integer> specialIds() {
        return specialIds;
    }

    /** Number of ids: one past the largest id of the vocabulary and the added tokens. */
    public int size() {
        return size;
    }
}
