package visq.deploy;

import static visq.deploy.KubernetesManifests.at;
import static visq.deploy.KubernetesManifests.map;
import static visq.deploy.KubernetesManifests.maps;
import static visq.deploy.KubernetesManifests.text;
import static visq.deploy.KubernetesManifests.texts;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.actors.cluster.NodeGuardian;
import visq.deploy.KubernetesManifests.Manifest;
import visq.deploy.node.NodeLauncher;

/**
 * Checks that the manifests of {@code deploy/k8s} and the images of {@code deploy/docker} fit each other and the node
 * configuration: every check returns the problems it found (empty: none), each naming the object, so a test can show
 * them all and a negative test can prove a check catches a fault.
 *
 * <p>A node's configuration is computed as {@link NodeLauncher} computes it inside the pod: the ConfigMap file named
 * by {@code --config}, mounted on a classpath folder of the image, over {@code reference.conf}, with the container's
 * environment (Kubernetes {@code $(VAR)} expansion, downward-API fields, Secret and ConfigMap keys) for its
 * substitutions and {@code VISQ_ROLES}/{@code VISQ_DEVICES}.
 */
final class KubernetesDeploymentCheck {
    static final String GPU = "nvidia.com/gpu";
    static final String ARTERY_PORT = "artery";
    static final String GRPC_PORT = "grpc";
    static final String METRICS_PORT = "metrics";
    private static final String ROLE_LABEL = "app.kubernetes.io/component";
    private static final String ANY_ADDRESS = "0.0.0.0";
    private static final String POD_IP = "10.0.0.7";
    private static final String SECRET_VALUE = "<value of Secret ";
    private static final List<String> PROBES = List.of("startupProbe", "livenessProbe", "readinessProbe");
    private static final Set<String> ROLES = Set.of(NodeGuardian.LEARNER, NodeGuardian.ROLLOUT, NodeGuardian.ROUTER);
    private static final Pattern SEED = Pattern.compile("akka://([^@]+)@([^:]+):(\\d+)");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern GPU_DEVICE = Pattern.compile("gpu:(\\d+)");

    /** One pod of a workload: a StatefulSet's pod {@code <name>-<ordinal>}, a Deployment's with a made-up name. */
    record Pod(Manifest workload, String name) {
        Map<String, Object> spec() {
            return map(workload.object(), "spec", "template", "spec");
        }

        Map<String, Object> labels() {
            return map(workload.object(), "spec", "template", "metadata", "labels");
        }

        List<Map<String, Object>> containers() {
            return maps(spec(), "containers");
        }

        boolean stateful() {
            return "StatefulSet".equals(workload.kind());
        }

        @Override
        public String toString() {
            return workload + " pod " + name;
        }
    }

    private final KubernetesManifests manifests;
    private final List<ContainerImage> images;
    private final Config reference = ConfigFactory.defaultReference();
    private final Config unresolvedReference = ConfigFactory.parseResources("reference.conf");

    KubernetesDeploymentCheck(KubernetesManifests manifests, List<ContainerImage> images) {
        this.manifests = manifests;
        this.images = List.copyOf(images);
    }

    /** Every problem of every check. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        problems.addAll(identityProblems());
        problems.addAll(kustomizationProblems());
        problems.addAll(referenceProblems());
        problems.addAll(settingProblems());
        problems.addAll(nodeProblems());
        problems.addAll(probeProblems());
        problems.addAll(seedProblems());
        problems.addAll(imageProblems());
        return problems;
    }

    /** Every object has apiVersion, kind and metadata.name; the kustomization is a Kustomization. */
    List<String> identityProblems() {
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests.objects()) {
            for (String[] field : new String[][] {{"apiVersion"}, {"kind"}, {"metadata", "name"}}) {
                String value = text(manifest.object(), field);
                if (value == null || value.isBlank()) {
                    problems.add(manifest.file().getFileName() + ": an object without " + String.join(".", field));
                }
            }
        }
        if (!"Kustomization".equals(text(manifests.kustomization(), "kind"))
                || text(manifests.kustomization(), "apiVersion") == null) {
            problems.add(KubernetesManifests.KUSTOMIZATION + " has no apiVersion or is not a Kustomization");
        }
        return problems;
    }

    /** The kustomization lists every manifest file, and only files that exist. */
    List<String> kustomizationProblems() {
        List<String> problems = new ArrayList<>();
        List<String> resources = texts(manifests.kustomization(), "resources");
        for (String resource : resources) {
            if (!Files.isRegularFile(manifests.dir().resolve(resource))) {
                problems.add(KubernetesManifests.KUSTOMIZATION + " lists " + resource + ", which does not exist");
            }
        }
        try {
            for (Path file : KubernetesManifests.yamlFiles(manifests.dir())) {
                String name = file.getFileName().toString();
                if (!name.equals(KubernetesManifests.KUSTOMIZATION) && !resources.contains(name)) {
                    problems.add(name + " is not among the resources of " + KubernetesManifests.KUSTOMIZATION);
                }
            }
        } catch (IOException e) {
            problems.add("cannot list " + manifests.dir() + ": " + e.getMessage());
        }
        return problems;
    }

    /**
     * Whatever an object names exists: env Secret and ConfigMap keys, volumes' ConfigMaps and claims, volume mounts'
     * volumes, Services', StatefulSets' and PodDisruptionBudgets' pods and ports.
     */
    List<String> referenceProblems() {
        List<String> problems = new ArrayList<>();
        for (Manifest workload : manifests.workloads()) {
            Pod pod = firstPod(workload);
            Map<String, String> selector = stringMap(map(workload.object(), "spec", "selector", "matchLabels"));
            if (selector.isEmpty() || !matches(selector, pod.labels())) {
                problems.add(workload + ": its selector does not select its own pod template");
            }
            for (Map<String, Object> container : pod.containers()) {
                environment(pod, container, problems);
            }
            problems.addAll(volumeProblems(pod));
            if (pod.stateful()) {
                String service = text(workload.object(), "spec", "serviceName");
                if (service == null || manifests.find("Service", service).isEmpty()) {
                    problems.add(workload + ": its serviceName " + service + " is not a Service");
                }
            }
        }
        for (Manifest service : manifests.ofKind("Service")) {
            List<Pod> pods = selectedPods(stringMap(map(service.object(), "spec", "selector")));
            if (pods.isEmpty()) {
                problems.add(service + ": its selector matches no workload's pods");
            }
            for (Map<String, Object> port : maps(service.object(), "spec", "ports")) {
                Object target = port.getOrDefault("targetPort", port.get("port"));
                for (Pod pod : pods) {
                    if (containerPort(pod, target).isEmpty()) {
                        problems.add(service + ": targetPort " + target + " is no container port of " + pod);
                    }
                }
            }
        }
        for (Manifest budget : manifests.ofKind("PodDisruptionBudget")) {
            if (selectedPods(stringMap(map(budget.object(), "spec", "selector", "matchLabels"))).isEmpty()) {
                problems.add(budget + ": its selector matches no workload's pods");
            }
        }
        return problems;
    }

    private List<String> volumeProblems(Pod pod) {
        List<String> problems = new ArrayList<>();
        Set<String> volumes = new HashSet<>();
        for (Map<String, Object> volume : maps(pod.spec(), "volumes")) {
            volumes.add(text(volume, "name"));
            String configMap = text(volume, "configMap", "name");
            if (configMap != null) {
                Optional<Manifest> found = manifests.find("ConfigMap", configMap);
                if (found.isEmpty()) {
                    problems.add(pod + ": volume " + text(volume, "name") + " names ConfigMap " + configMap
                            + ", which does not exist");
                }
                for (Map<String, Object> item : maps(volume, "configMap", "items")) {
                    if (found.isPresent() && !map(found.get().object(), "data").containsKey(text(item, "key"))) {
                        problems.add(pod + ": ConfigMap " + configMap + " has no key " + text(item, "key"));
                    }
                }
            }
            String claim = text(volume, "persistentVolumeClaim", "claimName");
            if (claim != null && manifests.find("PersistentVolumeClaim", claim).isEmpty()) {
                problems.add(pod + ": volume " + text(volume, "name") + " claims " + claim + ", which does not exist");
            }
        }
        for (Map<String, Object> template : maps(pod.workload().object(), "spec", "volumeClaimTemplates")) {
            volumes.add(text(template, "metadata", "name"));
        }
        for (Map<String, Object> container : pod.containers()) {
            for (Map<String, Object> mount : maps(container, "volumeMounts")) {
                if (!volumes.contains(text(mount, "name"))) {
                    problems.add(pod + ": mounts volume " + text(mount, "name") + ", which it does not have");
                }
            }
        }
        return problems;
    }

    /** Every setting of every ConfigMap's HOCON file exists in reference.conf. */
    List<String> settingProblems() {
        List<String> problems = new ArrayList<>();
        for (Manifest configMap : manifests.ofKind("ConfigMap")) {
            for (Map.Entry<String, Object> file : map(configMap.object(), "data").entrySet()) {
                if (file.getKey().endsWith(".conf")) {
                    problems.addAll(unknownSettings(configMap + " " + file.getKey(), String.valueOf(file.getValue())));
                }
            }
        }
        return problems;
    }

    /**
     * The settings {@code hocon} sets itself (its includes are not followed) that reference.conf does not have:
     * every {@code visq.*} key must be in Visq's reference.conf, every {@code akka.*} key in Akka's.
     */
    List<String> unknownSettings(String origin, String hocon) {
        Config parsed;
        try {
            parsed = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setIncluder(new NoIncludes()));
        } catch (ConfigException e) {
            return List.of(origin + ": not HOCON: " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(parsed.entrySet().stream().map(Map.Entry::getKey).toList())) {
            boolean known;
            try {
                known = (key.startsWith("visq.") || key.startsWith("akka.")) && reference.hasPathOrNull(key);
            } catch (ConfigException e) {
                known = false;
            }
            if (!known) {
                unknown.add(origin + ": setting " + key + " is not in reference.conf");
            }
        }
        return unknown;
    }

    /**
     * Per container, its node configuration agrees with its pod: roles (the pod's component label among them),
     * named container ports equal to the configured Artery, gRPC and metrics ports, servers listening on every
     * address, a canonical hostname the cluster can reach, the learner's checkpoint volume and resume, the data
     * folders mounted, a GPU per {@code gpu:N} device, and a router's bearer token from a Secret.
     */
    List<String> nodeProblems() {
        List<String> problems = new ArrayList<>();
        Set<String> rolesRun = new HashSet<>();
        for (PodContainer each : podContainers()) {
            Config node = nodeConfig(each.pod(), each.container(), problems);
            if (node != null) {
                rolesRun.addAll(node.getStringList("akka.cluster.roles"));
                problems.addAll(nodeProblems(each.pod(), each.container(), node));
            }
        }
        for (String role : new TreeSet<>(ROLES)) {
            if (!rolesRun.contains(role)) {
                problems.add("no workload runs role " + role);
            }
        }
        return problems;
    }

    private List<String> nodeProblems(Pod pod, Map<String, Object> container, Config node) {
        List<String> problems = new ArrayList<>();
        List<String> roles = node.getStringList("akka.cluster.roles");
        String component = pod.labels().get(ROLE_LABEL) == null ? null : pod.labels().get(ROLE_LABEL).toString();
        if (roles.isEmpty() || !ROLES.containsAll(roles) || !roles.contains(component)) {
            problems.add(pod + ": roles " + roles + " (VISQ_ROLES), expected " + component + " of label " + ROLE_LABEL
                    + " among " + new TreeSet<>(ROLES));
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(ARTERY_PORT, node.getInt("akka.remote.artery.canonical.port"));
        ports.put(METRICS_PORT, node.getInt("visq.metrics.port"));
        if (roles.contains(NodeGuardian.ROUTER)) {
            ports.put(GRPC_PORT, node.getInt("visq.grpc.port"));
            if (!node.getString("visq.grpc.bearer-token").startsWith(SECRET_VALUE)) {
                problems.add(pod + ": visq.grpc.bearer-token does not come from a Secret (VISQ_GRPC_TOKEN)");
            }
        }
        Map<String, Integer> declared = new LinkedHashMap<>();
        for (Map<String, Object> port : maps(container, "ports")) {
            declared.put(text(port, "name"), (Integer) port.get("containerPort"));
        }
        if (!declared.equals(ports)) {
            problems.add(pod + ": container ports " + declared + ", the node listens on " + ports);
        }
        for (String host : List.of("visq.grpc.host", "visq.metrics.host", "akka.remote.artery.bind.hostname")) {
            if (!ANY_ADDRESS.equals(node.getString(host))) {
                problems.add(pod + ": " + host + " is '" + node.getString(host) + "', so nothing outside the pod can "
                        + "reach it (" + ANY_ADDRESS + ")");
            }
        }
        String expectedHost = pod.stateful() ? stableHostname(pod.workload(), pod.name()) : POD_IP;
        String host = node.getString("akka.remote.artery.canonical.hostname");
        if (!host.equals(expectedHost)) {
            problems.add(pod + ": canonical hostname " + host + " (VISQ_HOST), expected " + expectedHost);
        }
        Map<String, Map<String, Object>> mounts = new LinkedHashMap<>();
        for (Map<String, Object> mount : maps(container, "volumeMounts")) {
            mounts.put(text(mount, "mountPath"), mount);
        }
        if (roles.contains(NodeGuardian.LEARNER)) {
            problems.addAll(learnerProblems(pod, node, mounts));
        }
        // a router prepares requests itself: with pretrained image features it reads the network from shared/models
        boolean routerNeedsData = roles.contains(NodeGuardian.ROUTER)
                && !"none".equals(node.getString("visq.model.image-features"));
        if (roles.contains(NodeGuardian.LEARNER) || roles.contains(NodeGuardian.ROLLOUT) || routerNeedsData) {
            if (!mounts.containsKey(node.getString("visq.data.shared-dir"))) {
                problems.add(pod + ": no volume on visq.data.shared-dir " + node.getString("visq.data.shared-dir"));
            }
            Map<String, Object> work = mounts.get(node.getString("visq.data.work-dir"));
            if (work == null || Boolean.TRUE.equals(work.get("readOnly"))) {
                problems.add(pod + ": no writable volume on visq.data.work-dir " + node.getString("visq.data.work-dir"));
            }
        }
        problems.addAll(gpuProblems(pod, container, node, roles));
        return problems;
    }

    private List<String> learnerProblems(Pod pod, Config node, Map<String, Map<String, Object>> mounts) {
        List<String> problems = new ArrayList<>();
        Object replicas = at(pod.workload().object(), "spec", "replicas");
        if (!pod.stateful() || !Integer.valueOf(1).equals(replicas)) {
            problems.add(pod + ": the learner runs as a StatefulSet of 1 replica (" + replicas + ")");
        }
        String checkpoints = node.getString("visq.learner.checkpoint-dir");
        Map<String, Object> mount = mounts.get(checkpoints);
        Set<String> claims = new HashSet<>();
        for (Map<String, Object> template : maps(pod.workload().object(), "spec", "volumeClaimTemplates")) {
            claims.add(text(template, "metadata", "name"));
        }
        if (mount == null || !claims.contains(text(mount, "name"))) {
            problems.add(pod + ": visq.learner.checkpoint-dir " + checkpoints + " is not on a volumeClaimTemplate");
        }
        if (!node.getBoolean("visq.learner.resume")) {
            problems.add(pod + ": visq.learner.resume is off: a restarted learner would start over");
        }
        return problems;
    }

    private List<String> gpuProblems(Pod pod, Map<String, Object> container, Config node, List<String> roles) {
        List<String> problems = new ArrayList<>();
        Object requested = at(container, "resources", "requests", GPU);
        Object limit = at(container, "resources", "limits", GPU);
        if (requested != null && !requested.equals(limit)) {
            problems.add(pod + ": " + GPU + " requests " + requested + " but limits " + limit + " (must be equal)");
        }
        int gpus = limit instanceof Integer ? (Integer) limit : 0;
        List<String> devices = new ArrayList<>();
        if (roles.contains(NodeGuardian.ROLLOUT)) {
            devices.addAll(node.getStringList("visq.rollout.devices"));
            if (gpus == 0) {
                problems.add(pod + ": a rollout pod without a " + GPU + " limit");
            }
        }
        if (roles.contains(NodeGuardian.LEARNER)) {
            devices.add(node.getString("visq.learner.device"));
        }
        for (String device : devices) {
            Matcher gpu = GPU_DEVICE.matcher(device);
            if (gpu.matches() && Integer.parseInt(gpu.group(1)) >= gpus) {
                problems.add(pod + ": device " + device + " but " + gpus + " " + GPU + " in its limits");
            }
        }
        if (roles.contains(NodeGuardian.ROLLOUT)) {
            long distinct = devices.stream().filter(d -> GPU_DEVICE.matcher(d).matches()).distinct().count();
            if (distinct != gpus) {
                problems.add(pod + ": " + gpus + " " + GPU + " but devices " + devices + " (VISQ_DEVICES): one worker "
                        + "per GPU");
            }
        }
        return problems;
    }

    /**
     * Every container has liveness and readiness probes; HTTP and TCP probes name a container port; a gRPC probe is on
     * the gRPC port (Kubernetes takes a number there, no name); a router is ready by the gRPC health service.
     */
    List<String> probeProblems() {
        List<String> problems = new ArrayList<>();
        for (PodContainer each : podContainers()) {
            Pod pod = each.pod();
            Map<String, Object> container = each.container();
            for (String required : List.of("livenessProbe", "readinessProbe")) {
                if (container.get(required) == null) {
                    problems.add(pod + ": no " + required);
                }
            }
            Optional<Integer> grpcPort = namedPort(container, GRPC_PORT);
            for (String kind : PROBES) {
                Map<String, Object> probe = map(container, kind);
                for (String handler : List.of("httpGet", "tcpSocket")) {
                    Object port = at(probe, handler, "port");
                    if (port != null && (!(port instanceof String) || namedPort(container, (String) port).isEmpty())) {
                        problems.add(pod + ": " + kind + " " + handler + " on port " + port + ", not a named "
                                + "container port");
                    }
                }
                Object port = at(probe, "grpc", "port");
                if (port != null && (grpcPort.isEmpty() || !grpcPort.get().equals(port))) {
                    problems.add(pod + ": " + kind + " gRPC health check on port " + port + ", the gRPC port is "
                            + grpcPort.map(String::valueOf).orElse("not declared"));
                }
            }
            Config node = nodeConfig(pod, container, new ArrayList<>());
            boolean router = node != null && node.getStringList("akka.cluster.roles").contains(NodeGuardian.ROUTER);
            if (router && at(container, "readinessProbe", "grpc") == null) {
                problems.add(pod + ": a router's readiness is not the gRPC health service (readinessProbe.grpc)");
            }
        }
        return problems;
    }

    /**
     * Every pod has the same seed nodes; each seed is {@code akka://visq@<pod>.<headless service>.<namespace>
     * .svc.cluster.local:<Artery port>} of a StatefulSet pod that exists, whose own canonical address is exactly that
     * and whose Service publishes it before it is ready; the first seed is the learner.
     */
    List<String> seedProblems() {
        List<String> problems = new ArrayList<>();
        List<String> seeds = null;
        for (PodContainer each : podContainers()) {
            Pod pod = each.pod();
            Map<String, Object> container = each.container();
            Config node = nodeConfig(pod, container, new ArrayList<>());
            if (node == null) {
                continue; // nodeProblems names why
            }
            List<String> own = node.getStringList("akka.cluster.seed-nodes");
            if (seeds == null) {
                seeds = own;
            } else if (!seeds.equals(own)) {
                problems.add(pod + ": seed nodes " + own + " differ from " + seeds);
            }
        }
        if (seeds == null || seeds.isEmpty()) {
            return List.of("no seed nodes configured");
        }
        for (int i = 0; i < seeds.size(); i++) {
            problems.addAll(seedProblems(seeds.get(i), i == 0));
        }
        return problems;
    }

    private List<String> seedProblems(String seed, boolean first) {
        Matcher address = SEED.matcher(seed);
        if (!address.matches()) {
            return List.of("seed node " + seed + " is not akka://SYSTEM@HOST:PORT");
        }
        List<String> problems = new ArrayList<>();
        if (!NodeLauncher.SYSTEM_NAME.equals(address.group(1))) {
            problems.add("seed node " + seed + ": actor system " + address.group(1) + ", nodes run "
                    + NodeLauncher.SYSTEM_NAME);
        }
        Optional<Pod> seedPod = Optional.empty();
        for (Manifest statefulSet : manifests.ofKind("StatefulSet")) {
            Object replicas = at(statefulSet.object(), "spec", "replicas");
            for (int ordinal = 0; replicas instanceof Integer && ordinal < (Integer) replicas; ordinal++) {
                String podName = statefulSet.name() + "-" + ordinal;
                if (stableHostname(statefulSet, podName).equals(address.group(2))) {
                    seedPod = Optional.of(new Pod(statefulSet, podName));
                }
            }
        }
        if (seedPod.isEmpty()) {
            problems.add("seed node " + seed + " is no StatefulSet pod's stable name <pod>.<serviceName>."
                    + manifests.namespace() + ".svc.cluster.local");
            return problems;
        }
        Pod pod = seedPod.get();
        Optional<Manifest> service = manifests.find("Service", text(pod.workload().object(), "spec", "serviceName"));
        if (service.isPresent() && (!"None".equals(text(service.get().object(), "spec", "clusterIP"))
                || !Boolean.TRUE.equals(at(service.get().object(), "spec", "publishNotReadyAddresses")))) {
            problems.add(service.get() + ": the seed's Service must be headless (clusterIP: None) and publish pods "
                    + "before they are ready (publishNotReadyAddresses: true)");
        }
        for (Map<String, Object> container : pod.containers()) {
            Config node = nodeConfig(pod, container, new ArrayList<>());
            if (node == null) {
                continue;
            }
            String self = "akka://" + NodeLauncher.SYSTEM_NAME + "@" + node.getString("akka.remote.artery.canonical"
                    + ".hostname") + ":" + node.getInt("akka.remote.artery.canonical.port");
            if (!self.equals(seed)) {
                problems.add("seed node " + seed + ": " + pod + " runs as " + self);
            }
            if (first && !node.getStringList("akka.cluster.roles").contains(NodeGuardian.LEARNER)) {
                problems.add("the first seed node " + seed + " is not the learner, which forms the cluster");
            }
        }
        return problems;
    }

    /**
     * Every container runs an image a Dockerfile builds; every Dockerfile EXPOSEs exactly the container ports of the
     * manifests and puts the folder the ConfigMap is mounted on on the classpath; GPU pods run a CUDA image.
     */
    List<String> imageProblems() {
        List<String> problems = new ArrayList<>();
        Set<Integer> ports = new TreeSet<>();
        for (PodContainer each : podContainers()) {
            Pod pod = each.pod();
            Map<String, Object> container = each.container();
            for (Map<String, Object> port : maps(container, "ports")) {
                ports.add((Integer) port.get("containerPort"));
            }
            String image = String.valueOf(container.get("image")).replaceFirst(":[^:/]*$", "");
            Optional<ContainerImage> built = images.stream().filter(i -> i.name().equals(image)).findFirst();
            if (built.isEmpty()) {
                problems.add(pod + ": image " + image + " is built by no Dockerfile");
                continue;
            }
            if (at(container, "resources", "limits", GPU) != null && !built.get().baseImage().startsWith("nvidia/")) {
                problems.add(pod + ": uses GPUs but runs " + image + " (" + built.get().file().getFileName()
                        + " on " + built.get().baseImage() + ")");
            }
            String classpath = built.get().env().getOrDefault("VISQ_CLASSPATH", "");
            if (configFolder(pod, container, classpath).isEmpty()) {
                problems.add(pod + ": no ConfigMap mounted on the classpath folder " + classpath + " of " + image);
            }
        }
        for (ContainerImage image : images) {
            if (!image.exposed().equals(ports)) {
                problems.add(image.file().getFileName() + " EXPOSEs " + new TreeSet<>(image.exposed())
                        + ", the containers declare " + ports);
            }
        }
        return problems;
    }

    /** A container of a workload's first pod. */
    private record PodContainer(Pod pod, Map<String, Object> container) {}

    private List<PodContainer> podContainers() {
        List<PodContainer> all = new ArrayList<>();
        for (Manifest workload : manifests.workloads()) {
            Pod pod = firstPod(workload);
            for (Map<String, Object> container : pod.containers()) {
                all.add(new PodContainer(pod, container));
            }
        }
        return all;
    }

    // The node configuration of a container, as NodeLauncher computes it in the pod.

    private Config nodeConfig(Pod pod, Map<String, Object> container, List<String> problems) {
        List<String> args = texts(container, "args");
        int option = args.indexOf("--config");
        if (option < 0 || option + 1 >= args.size()) {
            problems.add(pod + ": its args " + args + " name no --config file");
            return null;
        }
        String file = args.get(option + 1);
        String classpath = images.stream().map(i -> i.env().getOrDefault("VISQ_CLASSPATH", "")).findFirst().orElse("");
        Optional<Map<String, Object>> configMap = configFolder(pod, container, classpath);
        Object hocon = configMap.map(data -> data.get(file)).orElse(null);
        if (hocon == null) {
            problems.add(pod + ": --config " + file + " is in no ConfigMap mounted on " + classpath);
            return null;
        }
        // a missing Secret or ConfigMap key is a reference problem: referenceProblems reports it
        Map<String, String> env = environment(pod, container, new ArrayList<>());
        try {
            return NodeLauncher.environmentOverlay(env)
                    .withFallback(ConfigFactory.parseString(hocon.toString()))
                    .withFallback(unresolvedReference)
                    .withFallback(ConfigFactory.parseMap(env))
                    .resolve(ConfigResolveOptions.noSystem());
        } catch (ConfigException e) {
            problems.add(pod + ": its configuration " + file + " does not resolve: " + e.getMessage());
            return null;
        }
    }

    /** The data of the ConfigMap mounted on a folder of {@code classpath}. */
    private Optional<Map<String, Object>> configFolder(Pod pod, Map<String, Object> container, String classpath) {
        Set<String> folders = Set.of(classpath.split(":"));
        for (Map<String, Object> mount : maps(container, "volumeMounts")) {
            if (!folders.contains(text(mount, "mountPath"))) {
                continue;
            }
            for (Map<String, Object> volume : maps(pod.spec(), "volumes")) {
                String configMap = text(volume, "configMap", "name");
                if (Objects.equals(text(volume, "name"), text(mount, "name")) && configMap != null) {
                    return manifests.find("ConfigMap", configMap).map(m -> map(m.object(), "data"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The container's environment as the kubelet builds it: values with {@code $(VAR)} of earlier variables expanded,
     * downward-API fields of {@code pod}, ConfigMap values, and a stand-in for each Secret value; a reference to a key
     * that does not exist is a problem.
     */
    private Map<String, String> environment(Pod pod, Map<String, Object> container, List<String> problems) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : maps(container, "env")) {
            String name = text(variable, "name");
            String value = text(variable, "value");
            if (value != null) {
                env.put(name, expand(value, env));
                continue;
            }
            String field = text(variable, "valueFrom", "fieldRef", "fieldPath");
            String secret = text(variable, "valueFrom", "secretKeyRef", "name");
            String configMap = text(variable, "valueFrom", "configMapKeyRef", "name");
            if (field != null) {
                Map<String, String> fields = Map.of("metadata.name", pod.name(), "metadata.namespace",
                        manifests.namespace(), "status.podIP", POD_IP);
                if (!fields.containsKey(field)) {
                    problems.add(pod + ": env " + name + " reads field " + field + ", which this check does not know");
                }
                env.put(name, fields.getOrDefault(field, ""));
            } else if (secret != null) {
                String key = text(variable, "valueFrom", "secretKeyRef", "key");
                boolean optional = "true".equals(text(variable, "valueFrom", "secretKeyRef", "optional"));
                if (!secretKeys(secret).contains(key)) {
                    if (!optional) {
                        problems.add(pod + ": env " + name + " reads key " + key + " of Secret " + secret
                                + ", which has keys " + secretKeys(secret));
                    }
                    continue; // an optional key that is absent leaves the variable unset, as Kubernetes does
                }
                env.put(name, SECRET_VALUE + secret + "/" + key + ">");
            } else if (configMap != null) {
                String key = text(variable, "valueFrom", "configMapKeyRef", "key");
                Map<String, Object> data =
                        manifests.find("ConfigMap", configMap).map(m -> map(m.object(), "data")).orElse(Map.of());
                if (!data.containsKey(key)) {
                    problems.add(pod + ": env " + name + " reads key " + key + " of ConfigMap " + configMap
                            + ", which has keys " + data.keySet());
                }
                env.put(name, String.valueOf(data.get(key)));
            } else {
                problems.add(pod + ": env " + name + " has neither a value nor a known valueFrom");
            }
        }
        return env;
    }

    private static String expand(String value, Map<String, String> earlier) {
        Matcher reference = ENV_REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String replacement = earlier.getOrDefault(reference.group(1), reference.group());
            reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        return reference.appendTail(expanded).toString();
    }

    /** The keys of a Secret: a Secret object's, or those a kustomize secretGenerator of that name writes. */
    private Set<String> secretKeys(String secret) {
        Set<String> keys = new TreeSet<>();
        manifests.find("Secret", secret).ifPresent(s -> {
            keys.addAll(map(s.object(), "data").keySet());
            keys.addAll(map(s.object(), "stringData").keySet());
        });
        for (Map<String, Object> generator : maps(manifests.kustomization(), "secretGenerator")) {
            if (secret.equals(text(generator, "name"))) {
                for (String file : texts(generator, "files")) {
                    keys.add(file.contains("=") ? file.substring(0, file.indexOf('='))
                            : Path.of(file).getFileName().toString());
                }
                for (String literal : texts(generator, "literals")) {
                    keys.add(literal.substring(0, Math.max(0, literal.indexOf('='))));
                }
            }
        }
        return keys;
    }

    private String stableHostname(Manifest statefulSet, String podName) {
        return podName + "." + text(statefulSet.object(), "spec", "serviceName") + "." + manifests.namespace()
                + ".svc.cluster.local";
    }

    private static Pod firstPod(Manifest workload) {
        return new Pod(workload, workload.name() + ("StatefulSet".equals(workload.kind()) ? "-0" : "-7d9f8-abcde"));
    }

    private List<Pod> selectedPods(Map<String, String> selector) {
        if (selector.isEmpty()) {
            return List.of();
        }
        return manifests.workloads().stream().map(KubernetesDeploymentCheck::firstPod)
                .filter(p -> matches(selector, p.labels())).toList();
    }

    private static boolean matches(Map<String, String> selector, Map<String, Object> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(String.valueOf(labels.get(e.getKey()))));
    }

    private static Optional<Map<String, Object>> containerPort(Pod pod, Object port) {
        for (Map<String, Object> container : pod.containers()) {
            for (Map<String, Object> declared : maps(container, "ports")) {
                if (port.equals(declared.get("name")) || port.equals(declared.get("containerPort"))) {
                    return Optional.of(declared);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> namedPort(Map<String, Object> container, String name) {
        return maps(container, "ports").stream().filter(p -> name.equals(p.get("name")))
                .map(p -> (Integer) p.get("containerPort")).findFirst();
    }

    private static Map<String, String> stringMap(Map<String, Object> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }

    /** Parses a file on its own: an include reads as empty. */
    private static final class NoIncludes implements ConfigIncluder {
        @Override
        public ConfigIncluder withFallback(ConfigIncluder fallback) {
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            return ConfigFactory.empty().root();
        }
    }
}
