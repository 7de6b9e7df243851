package visq.deploy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

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

    /**
     * The samples of {@code metric} by the value of their label {@code label} (samples without it are left out), in
     * the order they appear.
     */
    static java.util.Map<String, Double> byLabel(String exposition, String metric, String label) {
        java.util.Map<String, Double> values = new java.util.LinkedHashMap<>();
        String key = label + "=\"";
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int at = line.indexOf(key);
            int close = line.indexOf('}');
            if (at < 0 || at > close) {
                continue;
            }
            int start = at + key.length();
            String name = line.substring(start, line.indexOf('"', start));
            values.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim()), Double::sum);
        }
        return values;
    }

    /**
     * The sum over every sample of {@code metric} (any labels) in {@code exposition}; NaN when none is there. A line
     * belongs to the metric when its name is exactly {@code metric}, followed by {@code {} labels or a space.
     */
    static double sum(String exposition, String metric) {
        double total = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            char next = line.length() > metric.length() ? line.charAt(metric.length()) : '\0';
            if (next != '{' && next != ' ') {
                continue;
            }
            String value = line.substring(line.lastIndexOf(' ') + 1).trim();
            total += Double.parseDouble(value);
            found = true;
        }
        return found ? total : Double.NaN;
    }
}
