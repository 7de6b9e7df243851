package visq.gpu.eval;

import java.util.Locale;

/**
 * How evaluation scores were decoded from the policy (method.md §4 asks every report to state it): greedy, or the
 * mean of {@code samples} sampled answers at {@code temperature}.
 */
public record ScoreDecoding(int samples, double temperature) {

    public ScoreDecoding {
        if (samples < 1) {
            throw new IllegalArgumentException("a score is decoded from at least one sample, got " + samples);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and ≥ 0, got " + temperature);
        }
        if (temperature == 0 && samples > 1) {
            throw new IllegalArgumentException("greedy decoding gives one answer; got " + samples + " samples at T=0");
        }
    }

    /** One greedy answer per image. */
    public static ScoreDecoding greedy() {
        return new ScoreDecoding(1, 0.0);
    }

    /** The mean score of {@code samples} answers sampled at {@code temperature}. */
    public static ScoreDecoding meanOfSamples(int samples, double temperature) {
        if (temperature <= 0) {
            throw new IllegalArgumentException("sampled decoding needs a temperature > 0, got " + temperature);
        }
        return new ScoreDecoding(samples, temperature);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /** "greedy", "one sample at T=0.7" or "mean of 8 samples at T=1.0". */
    public String describe() {
        if (isGreedy()) {
            return "greedy";
        }
        String t = String.format(Locale.ROOT, "T=%s", Double.toString(temperature));
        return samples == 1 ? "one sample at " + t : "mean of " + samples + " samples at " + t;
    }
}
