package visq.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
import visq.protocol.artifacts.StepRecord;

/**
 * GRPO samples (rollouts generated and trained on) per second of wall time of a run that writes its history and
 * checkpoints to one folder: timed from the end of its cold start to its end-of-run checkpoint.
 */
final class GrpoThroughput {
    private GrpoThroughput() {}

    /**
     * Watches the run in {@code checkpoints} ({@code coldStartSteps} then {@code grpoSteps} steps) until it ends and
     * returns its GRPO samples per second; fails after {@code timeout} or as soon as {@code running} turns false.
     */
    static double measure(Path checkpoints, int coldStartSteps, int grpoSteps, int groupSize, Duration timeout,
            BooleanSupplier running) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long grpoStarted = 0;
        while (!Files.exists(checkpoints.resolve(CheckpointWriter.LATEST_METADATA))
                || CheckpointWriter.readLatest(checkpoints).getStep() != coldStartSteps + grpoSteps) {
            if (System.nanoTime() > deadline || !running.getAsBoolean()) {
                throw new IllegalStateException("benchmark training in " + checkpoints + " did not finish");
            }
            if (grpoStarted == 0 && Files.exists(checkpoints.resolve(TrainingHistory.FILE))
                    && TrainingHistory.read(checkpoints).size() >= coldStartSteps) {
                grpoStarted = System.nanoTime(); // the cold start is over: GRPO steps run from here
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - grpoStarted) / 1e9;
        int samples = TrainingHistory.read(checkpoints).stream().filter(r -> r.getPhase().equals("GRPO"))
                .mapToInt(StepRecord::getSampleIdsCount).sum() * groupSize;
        return samples / seconds;
    }
}
