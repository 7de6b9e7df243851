package visq.deploy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a node's Prometheus text exposition ({@code /metrics}) and sums the samples of one metric. */
final class PrometheusScrape {
    private static final int ATTEMPTS = 3;
    private final URL endpoint;

    PrometheusScrape(String host, int port) throws IOException {
        this.endpoint = new URL("http://" + host + ":" + port + "/metrics");
    }

    /**
     * The text the endpoint serves now, each attempt on a new connection that is closed after it (a kept-alive
     * connection idle for a minute between samples may be reset by the server just as it is reused); up to three
     * attempts, a second apart, before the last failure is thrown.
     */
    String fetch() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return fetchOnce();
            } catch (IOException e) {
                last = e;
                Thread.sleep(1000);
            }
        }
        throw new IOException(endpoint + " failed " + ATTEMPTS + " times", last);
    }

    private String fetchOnce() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) endpoint.openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestProperty("Connection", "close");
        try {
            if (connection.getResponseCode() != 200) {
                throw new IOException(endpoint + " answered HTTP " + connection.getResponseCode());
            }
            try (InputStream body = connection.getInputStream()) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    /** One sample line of a metric: its label text (between the braces; empty without labels) and its value. */
    private record Sample(String labels, double value) {}

    /**
     * The samples of {@code metric} in {@code exposition}, in order. A line belongs to the metric when its name is
     * exactly {@code metric}, followed by {@code {} labels or a space.
     */
    private static List<Sample> samples(String exposition, String metric) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            char next = line.length() > metric.length() ? line.charAt(metric.length()) : '\0';
            if (next != '{' && next != ' ') {
                continue;
            }
            String labels = next == '{' ? line.substring(metric.length() + 1, line.indexOf('}')) : "";
            samples.add(new Sample(labels, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim())));
        }
        return samples;
    }

    /**
     * The samples of {@code metric} by the value of their label {@code label} (samples without it are left out), in
     * the order they appear.
     */
    static Map<String, Double> byLabel(String exposition, String metric, String label) {
        Map<String, Double> values = new LinkedHashMap<>();
        String key = label + "=\"";
        for (Sample sample : samples(exposition, metric)) {
            int at = sample.labels().indexOf(key);
            if (at >= 0) {
                int start = at + key.length();
                values.merge(sample.labels().substring(start, sample.labels().indexOf('"', start)), sample.value(),
                        Double::sum);
            }
        }
        return values;
    }

    /** The sum over every sample of {@code metric} (any labels) in {@code exposition}; NaN when none is there. */
    static double sum(String exposition, String metric) {
        List<Sample> samples = samples(exposition, metric);
        double total = 0;
        for (Sample sample : samples) {
            total += sample.value();
        }
        return samples.isEmpty() ? Double.NaN : total;
    }
}
