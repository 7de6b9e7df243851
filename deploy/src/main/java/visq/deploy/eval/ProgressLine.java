package visq.deploy.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar with rate and ETA for a known number of items: {@code [######..........] 120/349 clive |
 * 2.4 images/s | ETA 1m35s}. On a console it redraws one line; otherwise it prints a line at every tenth of the
 * work and at the end, so a log file stays short.
 */
public final class ProgressLine {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private String label = "";
    private int total;
    private int done;
    private int lastTenth;
    private long startedNanos;

    public ProgressLine(PrintStream out, boolean interactive, LongSupplier nanoClock) {
        this.out = out;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
    }

    /** A progress line on {@code out} with the system clock. */
    public static ProgressLine on(PrintStream out, boolean interactive) {
        return new ProgressLine(out, interactive, System::nanoTime);
    }

    /** Begins counting {@code total} items of {@code label}. */
    public void start(String label, int total) {
        this.label = label;
        this.total = total;
        this.done = 0;
        this.lastTenth = 0;
        this.startedNanos = nanoClock.getAsLong();
        if (interactive) {
            show();
        }
    }

    /** One more item is done. */
    public void advance() {
        done++;
        int tenth = total == 0 ? 10 : 10 * done / total;
        if (interactive) {
            show();
        } else if (tenth > lastTenth && done < total) {
            lastTenth = tenth;
            show();
        }
        if (done == total) {
            if (interactive) {
                out.println();
            } else {
                show();
            }
        }
        out.flush();
    }

    private void show() {
        String line = render(label, done, total, nanoClock.getAsLong() - startedNanos);
        if (interactive) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
    }

    /** The line for {@code done} of {@code total} items after {@code elapsedNanos}. */
    static String render(String label, int done, int total, long elapsedNanos) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
        StringBuilder line = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled))
                .append("] ").append(done).append('/').append(total).append(' ').append(label);
        double seconds = elapsedNanos / 1e9;
        if (done > 0 && seconds > 0) {
            line.append(String.format(Locale.ROOT, " | %.1f images/s", done / seconds));
            if (done < total) {
                long eta = Math.round(seconds / done * (total - done));
                line.append(String.format(Locale.ROOT, " | ETA %dm%02ds", eta / 60, eta % 60));
            } else {
                line.append(String.format(Locale.ROOT, " | done in %dm%02ds", Math.round(seconds) / 60,
                        Math.round(seconds) % 60));
            }
        }
        return line.toString();
    }
}
