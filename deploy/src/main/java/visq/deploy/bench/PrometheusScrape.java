package visq.deploy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a node's Prometheus text exposition ({@code /metrics}) and sums the samples of one metric. */
final class PrometheusScrape {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;

    PrometheusScrape(String host, int port) {
        this.endpoint = URI.create("http://" + host + ":" + port + "/metrics");
    }

    /** The text the endpoint serves now. */
    String fetch() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " answered HTTP " + response.statusCode());
        }
        return response.body();
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
