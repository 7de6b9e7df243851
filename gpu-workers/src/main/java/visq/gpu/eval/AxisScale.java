package visq.gpu.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear axis of a chart: a data range widened to "nice" tick values (1, 2 or 5 × 10^k steps) and its mapping
 * onto a pixel interval (which may run backwards, as the y axis does).
 */
final class AxisScale {

    private final double min;
    private final double max;
    private final double step;
    private final double pixelStart;
    private final double pixelEnd;

    private AxisScale(double min, double max, double step, double pixelStart, double pixelEnd) {
        this.min = min;
        this.max = max;
        this.step = step;
        this.pixelStart = pixelStart;
        this.pixelEnd = pixelEnd;
    }

    /**
     * An axis covering [{@code dataMin}, {@code dataMax}] with about {@code targetTicks} ticks, mapped onto
     * [{@code pixelStart}, {@code pixelEnd}]. A degenerate or empty range is widened around its value (or [0, 1]).
     */
    static AxisScale covering(double dataMin, double dataMax, int targetTicks, double pixelStart, double pixelEnd) {
        if (!Double.isFinite(dataMin) || !Double.isFinite(dataMax)) {
            dataMin = 0;
            dataMax = 1;
        }
        if (dataMax - dataMin <= 1e-12 * Math.max(1.0, Math.abs(dataMax))) {
            double pad = Math.max(0.5, Math.abs(dataMin) * 0.1);
            dataMin -= pad;
            dataMax += pad;
        }
        double step = niceStep((dataMax - dataMin) / Math.max(1, targetTicks - 1));
        double min = Math.floor(dataMin / step) * step;
        double max = Math.ceil(dataMax / step) * step;
        return new AxisScale(min, max, step, pixelStart, pixelEnd);
    }

    /** The smallest 1, 2 or 5 × 10^k at least {@code rough}. */
    static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * magnitude >= rough * (1 - 1e-9)) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    /** The pixel coordinate of {@code value}. */
    double toPixel(double value) {
        return pixelStart + (value - min) / (max - min) * (pixelEnd - pixelStart);
    }

    /** The tick values from min to max. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long count = Math.round((max - min) / step);
        for (long i = 0; i <= count; i++) {
            ticks.add(min + i * step);
        }
        return ticks;
    }

    /** A tick label with as many decimals as the step needs. */
    String label(double tick) {
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(tick) >= 1e6 || (tick != 0 && Math.abs(tick) < 1e-4)) {
            return String.format(Locale.ROOT, "%.2g", tick);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", tick + 0.0);
    }
}
