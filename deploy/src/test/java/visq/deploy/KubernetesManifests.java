package visq.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes objects of a manifest folder ({@code deploy/k8s}): every YAML document of every {@code *.yaml} file
 * but the kustomization, parsed with SnakeYAML into mutable maps and lists (a test may change one to prove a check
 * catches it), with typed access to the fields the checks read.
 */
final class KubernetesManifests {
    static final String KUSTOMIZATION = "kustomization.yaml";

    /** One object: the file it came from and its parsed document. */
    record Manifest(Path file, Map<String, Object> object) {
        String kind() {
            return text(object, "kind");
        }

        String name() {
            return text(object, "metadata", "name");
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file.getFileName() + ")";
        }
    }

    private final Path dir;
    private final List<Manifest> objects;
    private final Map<String, Object> kustomization;

    private KubernetesManifests(Path dir, List<Manifest> objects, Map<String, Object> kustomization) {
        this.dir = dir;
        this.objects = objects;
        this.kustomization = kustomization;
    }

    /** Parses every {@code *.yaml} file of {@code dir}; a document that is not a mapping fails the load. */
    static KubernetesManifests load(Path dir) throws IOException {
        List<Manifest> objects = new ArrayList<>();
        Map<String, Object> kustomization = Map.of();
        for (Path file : yamlFiles(dir)) {
            for (Map<String, Object> document : documents(file)) {
                if (file.getFileName().toString().equals(KUSTOMIZATION)) {
                    kustomization = document;
                } else {
                    objects.add(new Manifest(file, document));
                }
            }
        }
        return new KubernetesManifests(dir, List.copyOf(objects), kustomization);
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<Map<String, Object>> documents(Path file) throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : yaml.loadAll(reader)) {
                if (document == null) {
                    continue;
                }
                if (!(document instanceof Map)) {
                    throw new IllegalArgumentException(file + ": a document that is not a mapping: " + document);
                }
                documents.add(asMap(document));
            }
        }
        return documents;
    }

    Path dir() {
        return dir;
    }

    List<Manifest> objects() {
        return objects;
    }

    Map<String, Object> kustomization() {
        return kustomization;
    }

    List<Manifest> ofKind(String kind) {
        return objects.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    Optional<Manifest> find(String kind, String name) {
        return objects.stream().filter(m -> kind.equals(m.kind()) && name.equals(m.name())).findFirst();
    }

    /** The StatefulSets and Deployments. */
    List<Manifest> workloads() {
        return objects.stream().filter(m -> "StatefulSet".equals(m.kind()) || "Deployment".equals(m.kind())).toList();
    }

    /** The namespace kustomize puts every object in ({@code default} without one). */
    String namespace() {
        Object namespace = kustomization.get("namespace");
        return namespace == null ? "default" : namespace.toString();
    }

    // Typed access into parsed YAML: a missing field reads as empty (null for a scalar).

    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }

    static String text(Object node, String... path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    static Map<String, Object> map(Object node, String... path) {
        Object value = at(node, path);
        return value instanceof Map ? asMap(value) : Map.of();
    }

    static List<Map<String, Object>> maps(Object node, String... path) {
        Object value = at(node, path);
        if (!(value instanceof List)) {
            return List.of();
        }
        return ((List<?>) value).stream().filter(Map.class::isInstance).map(KubernetesManifests::asMap).toList();
    }

    static List<String> texts(Object node, String... path) {
        Object value = at(node, path);
        if (!(value instanceof List)) {
            return List.of();
        }
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
