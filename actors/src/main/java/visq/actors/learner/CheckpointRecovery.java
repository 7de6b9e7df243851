package visq.actors.learner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import visq.protocol.artifacts.CheckpointMetadata;

/**
 * Finds the checkpoint a resumed run starts from: the newest in the directory whose files all read back intact
 * (each checked against its recorded SHA-256 and parsed). Newer checkpoints that do not (a truncated or corrupt
 * file, a missing one, metadata that does not parse) are rejected with the reason; once an intact one is found,
 * the files of every newer checkpoint are set aside (renamed {@code <name>.corrupt}: kept for inspection, never
 * read or overwritten again) and {@code latest.meta.pb} is rewritten to name the one resumed from. When checkpoints
 * exist but none is intact, nothing is touched and recovery fails naming each one: a run never silently starts
 * over the top of them.
 */
public final class CheckpointRecovery {
    public static final String SET_ASIDE_SUFFIX = ".corrupt";
    private static final Pattern CHECKPOINT_FILE = Pattern.compile("(weights|optimizer|reference|meta)-v(\\d+)\\.pb");

    private CheckpointRecovery() {}

    /** A checkpoint that cannot be resumed from: its metadata file and why. */
    public record Rejected(String metadataFile, String reason) {}

    /**
     * What recovery found: the checkpoint to resume from (empty when the directory holds none), the metadata file
     * it was read from, the newer checkpoints rejected, and the files set aside.
     */
    public record Outcome(Optional<Checkpoint> checkpoint, String metadataFile, List<Rejected> rejected,
            List<String> setAside) {
        public Outcome {
            rejected = List.copyOf(rejected);
            setAside = List.copyOf(setAside);
        }
    }

    /** A metadata file to try, parsed, or the reason it could not be. */
    private record Candidate(String file, CheckpointMetadata metadata, String unreadable) {
        long version() {
            return metadata == null ? -1 : metadata.getWeightVersion();
        }
    }

    /** Recovers the newest intact checkpoint in {@code directory}; see the class comment. */
    public static Outcome recover(Path directory) throws IOException {
        List<Candidate> candidates = candidates(directory);
        List<Rejected> rejected = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (candidate.metadata() == null) {
                rejected.add(new Rejected(candidate.file(), candidate.unreadable()));
                continue;
            }
            Checkpoint checkpoint;
            try {
                checkpoint = CheckpointWriter.readCheckpoint(directory, candidate.metadata());
            } catch (IOException e) {
                rejected.add(new Rejected(candidate.file(), e.getMessage()));
                continue;
            }
            List<String> setAside = rejected.isEmpty() && candidate.file().equals(CheckpointWriter.LATEST_METADATA)
                    ? List.of() : adopt(directory, candidate, rejected);
            return new Outcome(Optional.of(checkpoint), candidate.file(), rejected, setAside);
        }
        if (!rejected.isEmpty()) {
            throw new IOException("no intact checkpoint in " + directory + " to resume from (nothing was changed): "
                    + rejected.stream().map(r -> r.metadataFile() + ": " + r.reason())
                            .collect(Collectors.joining("; ")));
        }
        return new Outcome(Optional.empty(), "", List.of(), List.of());
    }

    /**
     * {@code latest.meta.pb} and every kept {@code meta-v*.pb}, newest weight version first ({@code latest.meta.pb}
     * before the same version's copy, which is then skipped); unparseable ones first of all, as they are rejected.
     */
    private static List<Candidate> candidates(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<String> files = new ArrayList<>();
        if (Files.exists(directory.resolve(CheckpointWriter.LATEST_METADATA))) {
            files.add(CheckpointWriter.LATEST_METADATA);
        }
        try (Stream<Path> listed = Files.list(directory)) {
            listed.map(path -> path.getFileName().toString()).filter(name -> name.matches("meta-v\\d+\\.pb"))
                    .sorted().forEach(files::add);
        }
        List<Candidate> parsed = new ArrayList<>();
        for (String file : files) {
            try {
                parsed.add(new Candidate(file, CheckpointMetadata.parseFrom(Files.readAllBytes(directory.resolve(file))),
                        ""));
            } catch (IOException e) {
                parsed.add(new Candidate(file, null, "metadata cannot be read: " + e.getMessage()));
            }
        }
        // stable: latest.meta.pb stays ahead of its own version's copy
        parsed.sort(Comparator.comparing((Candidate c) -> c.metadata() != null)
                .thenComparing(Comparator.comparingLong(Candidate::version).reversed()));
        Set<Long> versions = new HashSet<>();
        return parsed.stream().filter(c -> c.metadata() == null || versions.add(c.version())).toList();
    }

    /**
     * Makes {@code chosen} the newest checkpoint: sets aside the files of every newer version and a rejected
     * {@code latest.meta.pb}, then points {@code latest.meta.pb} at it. Returns the files set aside.
     */
    private static List<String> adopt(Path directory, Candidate chosen, List<Rejected> rejected) throws IOException {
        List<String> setAside = new ArrayList<>();
        try (Stream<Path> listed = Files.list(directory)) {
            for (Path file : listed.sorted().toList()) {
                Matcher matcher = CHECKPOINT_FILE.matcher(file.getFileName().toString());
                if (matcher.matches() && Long.parseLong(matcher.group(2)) > chosen.version()) {
                    setAside.add(setAside(file));
                }
            }
        }
        Path latest = directory.resolve(CheckpointWriter.LATEST_METADATA);
        if (rejected.stream().anyMatch(r -> r.metadataFile().equals(CheckpointWriter.LATEST_METADATA))
                && Files.exists(latest)) {
            setAside.add(setAside(latest));
        }
        if (!chosen.file().equals(CheckpointWriter.LATEST_METADATA)) {
            CheckpointWriter.writeAtomically(latest, chosen.metadata().toByteArray());
        }
        return setAside;
    }

    private static String setAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + SET_ASIDE_SUFFIX);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside.getFileName().toString();
    }
}
