package visq.actors.learner;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import visq.protocol.artifacts.StepRecord;

/**
 * The step-by-step record of a run, stored beside its checkpoints as length-delimited Protobuf
 * {@link StepRecord}s ({@code history.pb}), appended once per step, read back for training curves.
 */
public final class TrainingHistory {
    public static final String FILE = "history.pb";

    private final Path file;

    public TrainingHistory(Path directory) {
        this.file = directory.resolve(FILE);
    }

    /** Appends one step; creates the file (and folder) on first use. */
    public void append(StepStats stats, List<String> sampleIds) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            toRecord(stats).toBuilder().addAllSampleIds(sampleIds).build().writeDelimitedTo(out);
        }
    }

    /** Starts a fresh history (a new run in the same folder). */
    public void clear() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Drops steps after {@code step} (they were trained after the checkpoint a run resumes from). */
    public void truncateAfter(long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<StepRecord> kept = read(file.getParent()).stream().filter(r -> r.getStep() <= step).toList();
        Path rewritten = file.resolveSibling(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(rewritten)) {
            for (StepRecord record : kept) {
                record.writeDelimitedTo(out);
            }
        }
        Files.move(rewritten, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Every recorded step, in order. A last record that is incomplete (being appended right now, or cut off when
     * the learner's process was killed mid-append) is left out: it is newer than any checkpoint, since a step is
     * recorded before its checkpoint is written, so a resumed run trains that step again.
     */
    public static List<StepRecord> read(Path directory) throws IOException {
        byte[] bytes = Files.readAllBytes(directory.resolve(FILE));
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        List<StepRecord> records = new ArrayList<>();
        while (!in.isAtEnd()) {
            int length;
            try {
                length = in.readRawVarint32();
            } catch (InvalidProtocolBufferException e) {
                break; // the length prefix itself is cut off
            }
            if (length < 0 || length > bytes.length - in.getTotalBytesRead()) {
                break;
            }
            records.add(StepRecord.parseFrom(in.readRawBytes(length)));
        }
        return records;
    }

    static StepRecord toRecord(StepStats stats) {
        return StepRecord.newBuilder()
                .setStep(stats.step())
                .setWeightVersion(stats.weightVersion())
                .setRewardMean(stats.rewardMean())
                .setFormatRate(stats.formatRate())
                .setTaskRewardMean(stats.taskRewardMean())
                .setLoss(stats.loss())
                .setKl(stats.kl())
                .setScoreStd(stats.scoreStd())
                .setSeconds(stats.seconds())
                .setPhase(stats.phase().name())
                .setMaxStaleness(stats.maxStaleness())
                .build();
    }
}
