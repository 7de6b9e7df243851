package visq.deploy.cli;

import java.io.PrintStream;
import java.util.Locale;
import visq.actors.learner.StepStats;
import visq.actors.coordinator.TrainingProgress;

/** Renders training progress as one line: bar, step, phase, weight version, reward means, format rate, ETA. */
final class TrainingProgressBar {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;

    TrainingProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    void show(TrainingProgress progress) {
        String line = render(progress);
        if (interactive) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String render(TrainingProgress progress) {
        long total = Math.max(1, progress.totalSteps());
        int filled = (int) (WIDTH * Math.min(progress.step(), total) / total);
        StringBuilder line = new StringBuilder("[");
        line.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        line.append(String.format(Locale.ROOT, "step %d/%d %-11s v%d workers %d", progress.step(), total,
                progress.phase(), progress.weightVersion(), progress.rolloutWorkers()));
        if (!progress.recent().isEmpty()) {
            StepStats last = progress.recent().get(progress.recent().size() - 1);
            if (Double.isNaN(last.rewardMean())) {
                line.append(String.format(Locale.ROOT, " | loss %.3f", last.loss()));
            }
        }
        progress.latestGrpoStep().ifPresent(stats -> line.append(String.format(Locale.ROOT,
                " | reward %.3f task %.3f format %.2f kl %.4f", stats.rewardMean(), stats.taskRewardMean(),
                stats.formatRate(), stats.kl())));
        progress.etaSeconds().ifPresent(eta -> line.append(String.format(Locale.ROOT, " | ETA %dm%02ds",
                (long) eta / 60, (long) eta % 60)));
        if (!progress.failure().isEmpty()) {
            line.append(" | FAILED: ").append(progress.failure());
        }
        return line.toString();
    }
}
