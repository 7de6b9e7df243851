package visq.tests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: every line must be a HELP or TYPE comment or a
 * sample of a family whose TYPE came before it, label values unescaped, values in Go's float syntax. Histograms are
 * checked: per series, bucket bounds ascend, counts never fall, and the +Inf bucket equals {@code _count}.
 */
final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
            + "(counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");

    /** One sample: its metric name, labels (sorted by name) and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private final Map<String, String> types = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        String[] lines = text.split("\n", -1);
        if (!lines[lines.length - 1].isEmpty()) {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        for (int i = 0; i < lines.length - 1; i++) {
            parsed.read(lines[i], i + 1);
        }
        parsed.checkHistograms();
        return parsed;
    }

    private void read(String line, int number) {
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
            if (types.put(type.group(1), type.group(2)) != null) {
                throw new IllegalArgumentException("line " + number + ": second TYPE for " + type.group(1));
            }
            return;
        }
        if (HELP.matcher(line).matches()) {
            return;
        }
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) {
            throw new IllegalArgumentException("line " + number + " is not in the text format: " + line);
        }
        String name = sample.group(1);
        if (family(name).isEmpty()) {
            throw new IllegalArgumentException("line " + number + ": sample " + name + " has no TYPE before it");
        }
        samples.add(new Sample(name, labels(sample.group(2) == null ? "" : sample.group(2), number),
                value(sample.group(3), number)));
    }

    /** The declared family a sample name belongs to. */
    private Optional<String> family(String name) {
        if (types.containsKey(name)) {
            return Optional.of(name);
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (name.endsWith(suffix)) {
                String family = name.substring(0, name.length() - suffix.length());
                String type = types.get(family);
                if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                    return Optional.of(family);
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> labels(String text, int number) {
        Map<String, String> labels = new TreeMap<>();
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            if (equals < 0 || equals + 1 >= text.length() || text.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("line " + number + ": bad labels " + text);
            }
            String label = text.substring(i, equals);
            if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("line " + number + ": bad label name " + label);
            }
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\') {
                    char escaped = text.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            if (j >= text.length()) {
                throw new IllegalArgumentException("line " + number + ": unterminated label value in " + text);
            }
            labels.put(label, value.toString());
            i = j + 1;
            if (i < text.length()) {
                if (text.charAt(i) != ',') {
                    throw new IllegalArgumentException("line " + number + ": expected ',' in " + text);
                }
                i++;
            }
        }
        return labels;
    }

    private static double value(String text, int number) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + number + ": bad value " + text);
                }
        }
    }

    private void checkHistograms() {
        Map<String, List<Sample>> buckets = new HashMap<>();
        for (Sample sample : samples) {
            if (sample.name().endsWith("_bucket")) {
                Map<String, String> series = new TreeMap<>(sample.labels());
                if (series.remove("le") == null) {
                    throw new IllegalArgumentException(sample + " has no le label");
                }
                buckets.computeIfAbsent(sample.name() + series, key -> new ArrayList<>()).add(sample);
            }
        }
        buckets.forEach((series, list) -> {
            double bound = Double.NEGATIVE_INFINITY;
            double count = 0;
            for (Sample bucket : list) {
                double le = value(bucket.labels().get("le"), 0);
                if (le <= bound || bucket.value() < count) {
                    throw new IllegalArgumentException("buckets of " + series + " out of order at " + bucket);
                }
                bound = le;
                count = bucket.value();
            }
            if (bound != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(series + " has no +Inf bucket");
            }
            Sample first = list.get(0);
            Map<String, String> labels = new TreeMap<>(first.labels());
            labels.remove("le");
            String countName = first.name().substring(0, first.name().length() - "_bucket".length()) + "_count";
            double total = value(countName, labels).orElseThrow(() -> new IllegalArgumentException(
                    series + " has no _count"));
            if (total != count) {
                throw new IllegalArgumentException(series + ": +Inf bucket " + count + " but _count " + total);
            }
        });
    }

    /** The TYPE declared for {@code family}. */
    Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** The value of the sample with exactly these labels. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(new TreeMap<>(labels)))
                .map(Sample::value).findFirst();
    }

    /** Every sample of {@code name}. */
    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
}
