package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.actors.cluster.NodeGuardian;
import visq.deploy.VisqCommand;
import visq.gpu.model.PolicyModel;
import visq.protocol.artifacts.TaskCursor;

/**
 * The packages of every module form a layered graph: {@code mvn install} fails on a package cycle and names its
 * packages. Each {@code package-info.java} says what lives in its package and where a type belongs instead.
 */
class NoPackageCyclesTest {

    @Test
    void noModuleHasAPackageCycle() {
        List<Path> modules = Stream.of(TaskCursor.class, PolicyModel.class, NodeGuardian.class, VisqCommand.class)
                .map(NoPackageCyclesTest::classRoot).toList();
        Map<String, Set<String>> graph = PackageCycles.dependencies(modules, "visq.");
        assertTrue(graph.getOrDefault("visq.actors.coordinator", Set.of()).contains("visq.actors.learner"),
                () -> "jdeps read no dependency of the coordinator on the learner from " + modules + ":\n"
                        + PackageCycles.describe(graph));
        List<String> cycles = PackageCycles.cycles(graph);
        assertTrue(cycles.isEmpty(), () -> "package cycles (move the type that closes each one to where it belongs):\n"
                + String.join("\n", cycles));
    }

    @Test
    void findsTheCycleOfASyntheticGraph() {
        Map<String, Set<String>> graph = Map.of(
                "a", Set.of("b"),
                "b", Set.of("c"),
                "c", Set.of("a", "d"),
                "d", Set.of(),
                "e", Set.of("a"));
        assertEquals(List.of("a -> b -> c -> a (component a, b, c)"), PackageCycles.cycles(graph));
    }

    @Test
    void findsEveryCycleByItsShortestPath() {
        Map<String, Set<String>> graph = Map.of(
                "p", Set.of("q", "x"),
                "q", Set.of("r"),
                "r", Set.of("p", "q"),
                "x", Set.of("y"),
                "y", Set.of("x"));
        assertEquals(List.of("p -> q -> r -> p (component p, q, r)", "x -> y -> x (component x, y)"),
                PackageCycles.cycles(graph));
    }

    @Test
    void findsNoCycleInALayeredGraph() {
        Map<String, Set<String>> diamond = Map.of(
                "top", Set.of("left", "right"),
                "left", Set.of("bottom"),
                "right", Set.of("bottom", "left"),
                "bottom", Set.of());
        assertEquals(List.of(), PackageCycles.cycles(diamond));
    }

    @Test
    void jdepsFindsACycleBetweenCompiledPackages(@TempDir Path dir) throws IOException {
        Path a = write(dir.resolve("src/visq/synthetic/a/Left.java"),
                "package visq.synthetic.a; public class Left { visq.synthetic.b.Right right; }");
        Path b = write(dir.resolve("src/visq/synthetic/b/Right.java"),
                "package visq.synthetic.b; public class Right { visq.synthetic.a.Left left; }");
        Path c = write(dir.resolve("src/visq/synthetic/c/Above.java"),
                "package visq.synthetic.c; public class Above { visq.synthetic.a.Left left; }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), a.toString(), b.toString(),
                c.toString()), "the synthetic classes compile");

        Map<String, Set<String>> graph = PackageCycles.dependencies(List.of(classes), "visq.");

        assertEquals(Set.of("visq.synthetic.a"), graph.get("visq.synthetic.c"));
        assertEquals(List.of("visq.synthetic.a -> visq.synthetic.b -> visq.synthetic.a"
                + " (component visq.synthetic.a, visq.synthetic.b)"), PackageCycles.cycles(graph));
    }

    private static Path write(Path file, String source) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, source);
    }

    /** The class folder (or jar) {@code type} was loaded from: one module's compiled main classes. */
    private static Path classRoot(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no class root for " + type, e);
        }
    }
}
