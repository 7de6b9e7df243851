package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.protocol.artifacts.StepRecord;

/** The history of a learner killed while appending a step still reads, and a resumed run can cut it back. */
class TrainingHistoryTest {

    @Test
    void aRecordCutOffMidAppendIsLeftOutAndTruncationStillWorks(@TempDir Path directory) throws Exception {
        TrainingHistory history = new TrainingHistory(directory);
        for (long step = 1; step <= 3; step++) {
            history.append(stats(step), List.of("sample-" + step + "-a", "sample-" + step + "-b"));
        }
        Path file = directory.resolve(TrainingHistory.FILE);
        byte[] whole = Files.readAllBytes(file);
        int lastRecordStart = whole.length - (whole.length / 3); // records are the same size here
        for (int cut = lastRecordStart + 1; cut < whole.length; cut++) {
            Files.write(file, Arrays.copyOf(whole, cut));
            assertEquals(List.of(1L, 2L), steps(TrainingHistory.read(directory)), "file cut at byte " + cut);
        }
        history.truncateAfter(1);
        assertEquals(List.of(1L), steps(TrainingHistory.read(directory)));
        history.append(stats(2), List.of("again"));
        assertEquals(List.of(1L, 2L), steps(TrainingHistory.read(directory)));
    }

    private static List<Long> steps(List<StepRecord> records) {
        return records.stream().map(StepRecord::getStep).toList();
    }

    private static StepStats stats(long step) {
        return new StepStats(step, TrainingPhase.GRPO, step, 0.5, 1.0, 0.5, 0.1, 0.01, 0.0, 0.2, 0, 1.0, 0);
    }
}
