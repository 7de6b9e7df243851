package visq.gpu.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * The seed repositories' JSON label files.
 *
 * <p><b>Q-Insight</b> ({@link DatasetFormat#Q_INSIGHT}): one JSON array of objects, as its score data (DeQA-Score
 * metas) and degradation data are written. Each entry names its image ({@code "image"}: a path, or a list of one)
 * and carries a score entry ({@code "gt_score"}: the MOS), a degradation entry ({@code "distortion_class"}: noise,
 * compression, blur or darken, or null/"none" for an undistorted image, with {@code "severity"}: slight ..
 * catastrophic or 1..5), or both. Other keys are ignored.
 *
 * <p><b>VisualQuality-R1</b> ({@link DatasetFormat#VISUALQUALITY_R1}): JSONL, one object a line, with
 * {@code "image"} (a path or a list of one) and {@code "conversations"}, whose {@code "gpt"} turn's value is the MOS
 * (a number or a numeric string). Other keys ({@code "id"}, {@code "dataset_name"}) are ignored.
 */
final class JsonLabels {
    private static final Pattern LOCATION = Pattern.compile("line (\\d+)");

    private JsonLabels() {}

    static List<LabelRecord> readQInsight(Path file, List<DatasetProblem> problems) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<LabelRecord> records = new ArrayList<>();
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            if (reader.peek() != JsonToken.BEGIN_ARRAY) {
                problems.add(DatasetProblem.at(file, line(reader), "is not a JSON array of entries"));
                return records;
            }
            reader.beginArray();
            while (reader.hasNext()) {
                int line = line(reader);
                JsonElement element = JsonParser.parseReader(reader);
                qInsightEntry(file, line, element, problems).ifPresent(records::add);
            }
            reader.endArray();
        } catch (JsonParseException | IOException e) {
            problems.add(DatasetProblem.at(file, lineOf(e), "is not valid JSON: " + e.getMessage()));
        }
        if (records.isEmpty() && problems.isEmpty()) {
            problems.add(DatasetProblem.of(file, "has no entries"));
        }
        return records;
    }

    static List<LabelRecord> readVisualQualityR1(Path file, List<DatasetProblem> problems) throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "")
                .split("\\r?\\n", -1);
        List<LabelRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            if (lines[i].isBlank()) {
                continue;
            }
            JsonElement element;
            try {
                element = JsonParser.parseString(lines[i]);
            } catch (JsonParseException e) {
                problems.add(DatasetProblem.at(file, line, "is not valid JSON: " + rootCause(e)));
                continue;
            }
            if (!element.isJsonObject()) {
                problems.add(DatasetProblem.at(file, line, "is not a JSON object"));
                continue;
            }
            JsonObject entry = element.getAsJsonObject();
            Optional<String> image = image(file, line, entry, problems);
            OptionalDouble mos = gptScore(file, line, entry, problems);
            if (image.isPresent() && mos.isPresent()) {
                records.add(LabelRecord.scored(line, image.get(), mos.getAsDouble()));
            }
        }
        if (records.isEmpty() && problems.isEmpty()) {
            problems.add(DatasetProblem.of(file, "has no entries"));
        }
        return records;
    }

    private static Optional<LabelRecord> qInsightEntry(Path file, int line, JsonElement element,
            List<DatasetProblem> problems) {
        if (!element.isJsonObject()) {
            problems.add(DatasetProblem.at(file, line, "entry is not a JSON object"));
            return Optional.empty();
        }
        JsonObject entry = element.getAsJsonObject();
        Optional<String> image = image(file, line, entry, problems);
        boolean hasScore = entry.has("gt_score");
        boolean hasDegradation = entry.has("distortion_class");
        if (!hasScore && !hasDegradation) {
            problems.add(DatasetProblem.at(file, line, "entry has neither gt_score nor distortion_class"));
            return Optional.empty();
        }
        OptionalDouble mos = OptionalDouble.empty();
        boolean valid = image.isPresent();
        if (hasScore) {
            mos = number(file, line, entry.get("gt_score"), "gt_score", problems);
            valid &= mos.isPresent();
        }
        Optional<DegradationLabel> label = Optional.empty();
        if (hasDegradation) {
            label = degradation(file, line, entry, problems);
            valid &= label.isPresent();
        }
        return valid ? Optional.of(new LabelRecord(line, image.get(), mos, label, Optional.empty()))
                : Optional.empty();
    }

    private static Optional<DegradationLabel> degradation(Path file, int line, JsonObject entry,
            List<DatasetProblem> problems) {
        Optional<String> className = text(entry.get("distortion_class"));
        Optional<String> severityName = text(entry.get("severity"));
        if (className.isEmpty() || className.get().equalsIgnoreCase("none")) {
            if (severityName.isPresent() && !severityName.get().equalsIgnoreCase("none")) {
                problems.add(DatasetProblem.at(file, line, "severity '" + severityName.get()
                        + "' given for an image without distortion"));
                return Optional.empty();
            }
            return Optional.of(DegradationLabel.none());
        }
        Optional<DegradationClass> degradation =
                DegradationClass.fromAnswerName(className.get().toLowerCase(Locale.ROOT));
        if (degradation.isEmpty()) {
            problems.add(DatasetProblem.at(file, line, "distortion_class '" + className.get()
                    + "' is not one of noise, compression, blur, darken"));
            return Optional.empty();
        }
        Optional<Severity> severity = severityName.flatMap(JsonLabels::severity);
        if (severity.isEmpty()) {
            problems.add(DatasetProblem.at(file, line, severityName.isEmpty() ? "distortion_class '"
                    + className.get() + "' has no severity" : "severity '" + severityName.get()
                    + "' is not one of slight, moderate, obvious, serious, catastrophic (or 1..5)"));
            return Optional.empty();
        }
        return Optional.of(DegradationLabel.of(degradation.get(), severity.get()));
    }

    private static Optional<Severity> severity(String text) {
        Optional<Severity> named = Severity.fromAnswerName(text.toLowerCase(Locale.ROOT));
        if (named.isPresent()) {
            return named;
        }
        try {
            int level = Integer.parseInt(text);
            return level >= 1 && level <= 5 ? Optional.of(Severity.ofLevel(level)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The entry's image: {@code "image"} (or {@code "images"}), a string or a list of exactly one string. */
    private static Optional<String> image(Path file, int line, JsonObject entry, List<DatasetProblem> problems) {
        JsonElement image = entry.has("image") ? entry.get("image") : entry.get("images");
        if (image != null && image.isJsonArray()) {
            JsonArray images = image.getAsJsonArray();
            if (images.size() != 1) {
                problems.add(DatasetProblem.at(file, line, "entry names " + images.size()
                        + " images; a quality label belongs to one"));
                return Optional.empty();
            }
            image = images.get(0);
        }
        Optional<String> name = text(image);
        if (name.isEmpty() || name.get().isBlank()) {
            problems.add(DatasetProblem.at(file, line, "entry has no image"));
            return Optional.empty();
        }
        return name;
    }

    /** The value of the first {@code "gpt"} (or {@code "assistant"}) turn of {@code "conversations"}. */
    private static OptionalDouble gptScore(Path file, int line, JsonObject entry, List<DatasetProblem> problems) {
        JsonElement conversations = entry.get("conversations");
        if (conversations == null || !conversations.isJsonArray()) {
            problems.add(DatasetProblem.at(file, line, "entry has no conversations list"));
            return OptionalDouble.empty();
        }
        for (JsonElement turn : conversations.getAsJsonArray()) {
            if (turn.isJsonObject()) {
                Optional<String> from = text(turn.getAsJsonObject().get("from"));
                if (from.isPresent() && (from.get().equals("gpt") || from.get().equals("assistant"))) {
                    return number(file, line, turn.getAsJsonObject().get("value"), "the gpt turn's value (MOS)",
                            problems);
                }
            }
        }
        problems.add(DatasetProblem.at(file, line, "entry has no gpt turn carrying the MOS"));
        return OptionalDouble.empty();
    }

    private static OptionalDouble number(Path file, int line, JsonElement value, String name,
            List<DatasetProblem> problems) {
        if (value == null || value.isJsonNull() || !value.isJsonPrimitive()) {
            problems.add(DatasetProblem.at(file, line, name + " is missing or not a number"));
            return OptionalDouble.empty();
        }
        return CsvTable.number(file, line, value.getAsString().strip(), name, problems);
    }

    private static Optional<String> text(JsonElement value) {
        if (value == null || value.isJsonNull() || !(value instanceof JsonPrimitive)) {
            return Optional.empty();
        }
        return Optional.of(value.getAsString().strip());
    }

    /** The line the reader stands on ({@code JsonReader} says it only in its description). */
    private static int line(JsonReader reader) {
        Matcher matcher = LOCATION.matcher(reader.toString());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static int lineOf(Exception e) {
        Matcher matcher = LOCATION.matcher(String.valueOf(e.getMessage()));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static String rootCause(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage()).replaceFirst("\\s*See https://\\S+$", "");
    }
}
