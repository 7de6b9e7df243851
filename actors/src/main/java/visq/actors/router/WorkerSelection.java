package visq.actors.router;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

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

    static String versionsHeld(Map<?, Long> versions) {
        return new TreeSet<>(versions.values()).toString();
    }
}
