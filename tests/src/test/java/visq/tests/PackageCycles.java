package visq.tests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;

/**
 * Package cycles in compiled classes: the package-level dependencies {@code jdeps} (the JDK's own tool, run in this
 * JVM) reads from class files, and the strongly connected components of that graph with more than one package.
 */
final class PackageCycles {
    /** An indented {@code jdeps -verbose:package} line: {@code from -> to  archive}. */
    private static final Pattern DEPENDENCY = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s.*$");

    private PackageCycles() {}

    /**
     * Which packages each package under {@code prefix} uses, read from the class files under {@code classRoots}
     * (class folders or jars); dependencies on packages outside {@code prefix} and on the package itself are left out.
     */
    static Map<String, Set<String>> dependencies(List<Path> classRoots, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException(
                "the jdeps tool is missing: run the build with a JDK (module jdk.jdeps), not a JRE"));
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none",
                "-e", Pattern.quote(prefix) + ".*"));
        classRoots.forEach(root -> args.add(root.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("jdeps " + args + " failed with status " + status + ": "
                    + err.toString(StandardCharsets.UTF_8));
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
            Matcher m = DEPENDENCY.matcher(line);
            if (m.matches() && m.group(1).startsWith(prefix) && m.group(2).startsWith(prefix)) {
                Set<String> uses = graph.computeIfAbsent(m.group(1), p -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    uses.add(m.group(2));
                }
            }
        }
        return graph;
    }

    /**
     * The package cycles of {@code graph}: each strongly connected component of more than one package, as one
     * shortest cycle through its first package followed by the whole component, e.g.
     * {@code a -> b -> a (component a, b)}. Empty when the packages form a layered graph.
     */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        for (Set<String> component : components(graph)) {
            String first = component.iterator().next();
            found.add(String.join(" -> ", shortestCycle(graph, component, first))
                    + " (component " + String.join(", ", component) + ")");
        }
        return found;
    }

    /** Strongly connected components of more than one node (Tarjan), each sorted, in order of their first node. */
    static List<Set<String>> components(Map<String, Set<String>> graph) {
        Tarjan tarjan = new Tarjan(graph);
        new TreeSet<>(nodes(graph)).forEach(node -> {
            if (!tarjan.index.containsKey(node)) {
                tarjan.visit(node);
            }
        });
        tarjan.found.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
        return tarjan.found;
    }

    private static Set<String> nodes(Map<String, Set<String>> graph) {
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(nodes::addAll);
        return nodes;
    }

    /** Breadth first from {@code start} back to it, inside {@code component}. */
    private static List<String> shortestCycle(Map<String, Set<String>> graph, Set<String> component, String start) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String node = queue.poll();
            for (String next : graph.getOrDefault(node, Set.of())) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String at = node; !at.equals(start); at = cameFrom.get(at)) {
                        path.add(at);
                    }
                    path.add(start);
                    Collections.reverse(path);
                    return path;
                }
                if (component.contains(next) && !cameFrom.containsKey(next)) {
                    cameFrom.put(next, node);
                    queue.add(next);
                }
            }
        }
        throw new IllegalArgumentException(start + " is on no cycle of " + component);
    }

    /** Tarjan's algorithm, recursive: package graphs are a few dozen nodes deep at most. */
    private static final class Tarjan {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new LinkedHashMap<>();
        private final Map<String, Integer> lowLink = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> found = new ArrayList<>();

        private Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        private void visit(String node) {
            index.put(node, index.size());
            lowLink.put(node, index.get(node));
            stack.push(node);
            onStack.add(node);
            for (String next : graph.getOrDefault(node, Set.of())) {
                if (!index.containsKey(next)) {
                    visit(next);
                    lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
                } else if (onStack.contains(next)) {
                    lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
                }
            }
            if (lowLink.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                if (component.size() > 1) {
                    found.add(component);
                }
            }
        }
    }

    /** {@code graph} as {@code a -> b, c} lines, for a failure message. */
    static String describe(Map<String, Set<String>> graph) {
        return graph.entrySet().stream().map(e -> e.getKey() + " -> " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("\n"));
    }
}
