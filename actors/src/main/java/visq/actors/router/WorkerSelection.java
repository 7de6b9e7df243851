package visq.actors.router;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import visq.actors.rollout.RolloutWorker;

/** Picks the workers a request may go to: those at the pinned version, or at the newest one held. */
final class WorkerSelection {
    private WorkerSelection() {}

    static <W> List<W> holdingVersion(Map<W, Long> versions, long pinnedVersion) {
        if (versions.isEmpty()) {
            return List.of();
        }
        long wanted = pinnedVersion == 0
                ? versions.values().stream().mapToLong(Long::longValue).max().orElseThrow()
                : pinnedVersion;
        return versions.entrySet().stream()
                .filter(entry -> entry.getValue() == wanted)
                .map(Map.Entry::getKey)
                .sorted((a, b) -> a.toString().compareTo(b.toString()))
                .collect(Collectors.toList());
    }

    /**
     * Why request {@code requestId} pinned to {@code pinnedVersion} (0: the newest) cannot go to any of
     * {@code candidates} ({@link #holdingVersion}), or empty when it can: a pin newer than the newest version the
     * cluster has produced ({@code newestProduced}, -1 when unknown) is the client's error; a pin no worker holds, or
     * no worker at all, is the cluster's state.
     */
    static <W> Optional<RolloutWorker.AnswerFailed> refusal(String requestId, long pinnedVersion, long newestProduced,
            Map<W, Long> versions, List<W> candidates) {
        if (newestProduced >= 0 && pinnedVersion > newestProduced) {
            return Optional.of(new RolloutWorker.AnswerFailed(requestId,
                    RolloutWorker.FailureKind.PINNED_VERSION_NEVER_PRODUCED, "pin.weight_version " + pinnedVersion
                            + " is newer than any weight version this cluster has produced (newest: " + newestProduced
                            + "); pin a version a reply's served_by named, or leave it 0 for the newest"));
        }
        if (!candidates.isEmpty()) {
            return Optional.empty();
        }
        boolean pinned = pinnedVersion != 0 && !versions.isEmpty();
        return Optional.of(pinned
                ? new RolloutWorker.AnswerFailed(requestId, RolloutWorker.FailureKind.PINNED_VERSION_UNAVAILABLE,
                        "no worker holds pinned weight version " + pinnedVersion + " (workers hold "
                                + versionsHeld(versions) + ")")
                : new RolloutWorker.AnswerFailed(requestId, RolloutWorker.FailureKind.NO_WORKER,
                        "no rollout worker is available to score"));
    }

    static String versionsHeld(Map<?, Long> versions) {
        return new TreeSet<>(versions.values()).toString();
    }
}
