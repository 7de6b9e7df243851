package visq.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static visq.deploy.KubernetesManifests.map;
import static visq.deploy.KubernetesManifests.maps;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s and deploy/docker, checked by reading (nothing here runs a container): every manifest parses, and the
 * manifests, the images and the node configuration agree on ports, roles, probes, references, seed nodes, GPUs and
 * settings ({@link KubernetesDeploymentCheck}). The last tests prove the checks catch an unknown setting and a wrong
 * port.
 */
class KubernetesManifestsTest {
    private static final Path MANIFESTS = Path.of("k8s");
    private static final List<Path> DOCKERFILES = List.of(Path.of("docker/Dockerfile"), Path.of("docker/Dockerfile.cuda"));

    private KubernetesManifests manifests;
    private KubernetesDeploymentCheck check;

    @BeforeEach
    void load() throws IOException {
        manifests = KubernetesManifests.load(MANIFESTS);
        check = new KubernetesDeploymentCheck(manifests, images());
    }

    private static List<ContainerImage> images() throws IOException {
        return List.of(ContainerImage.read(DOCKERFILES.get(0)), ContainerImage.read(DOCKERFILES.get(1)));
    }

    @Test
    void everyManifestParsesAndNamesItself() {
        assertTrue(manifests.objects().size() >= 10, "objects: " + manifests.objects());
        assertEquals(List.of(), check.identityProblems());
        assertEquals(List.of(), check.kustomizationProblems());
    }

    @Test
    void everyReferencedSecretConfigMapClaimVolumeAndPortExists() {
        assertEquals(List.of(), check.referenceProblems());
    }

    @Test
    void everySettingOfTheConfigMapIsInReferenceConf() {
        assertEquals(List.of(), check.settingProblems());
    }

    @Test
    void eachWorkloadRunsItsRoleOnTheConfiguredPortsWithItsVolumesAndGpus() {
        assertEquals(List.of(), check.nodeProblems());
    }

    @Test
    void probesUseNamedPortsAndRoutersAreReadyByTheGrpcHealthService() {
        assertEquals(List.of(), check.probeProblems());
    }

    @Test
    void seedNodesAreTheStableAddressesOfTheLearnerAndTheFirstRolloutPod() {
        assertEquals(List.of(), check.seedProblems());
    }

    @Test
    void dockerfilesExposeTheManifestsPortsAndPutTheConfigMapOnTheClasspath() throws IOException {
        assertEquals(List.of(), check.imageProblems());
        for (ContainerImage image : images()) {
            assertEquals("true", image.env().get("DJL_OFFLINE"), image.file() + " must keep DJL offline");
        }
    }

    @Test
    void anUnknownSettingIsCaught() {
        List<String> unknown = check.unknownSettings("test.conf", """
                include "application"
                visq.grpc.port = 8080
                visq.learner.chekpoint-dir = "/var/lib/visq/checkpoints"
                akka.cluster.seed-node = []
                """);
        assertEquals(2, unknown.size(), unknown.toString());
        assertTrue(unknown.get(0).contains("akka.cluster.seed-node "), unknown.get(0));
        assertTrue(unknown.get(1).contains("visq.learner.chekpoint-dir"), unknown.get(1));

        Map<String, Object> data = map(manifests.find("ConfigMap", "visq-config").orElseThrow().object(), "data");
        data.put("kubernetes.conf", data.get("kubernetes.conf") + "\nvisq.router.max-batch = 4\n");
        assertTrue(check.problems().stream().anyMatch(p -> p.contains("setting visq.router.max-batch is not in")),
                check.problems().toString());
    }

    @Test
    void aWrongPortIsCaught() {
        Map<String, Object> router = routerContainer();
        maps(router, "ports").stream().filter(p -> "grpc".equals(p.get("name"))).findFirst().orElseThrow()
                .put("containerPort", 8081);
        List<String> problems = check.problems();
        assertTrue(problems.stream().anyMatch(p -> p.contains("container ports {grpc=8081")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("gRPC health check on port 8080, the gRPC port is 8081")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("Dockerfile EXPOSEs [8080, 9464, 25520]")),
                problems.toString());
    }

    @Test
    void onlyAnOptionalSecretKeyMayBeAbsent() {
        Map<String, Object> previous = maps(routerContainer(), "env").stream()
                .filter(e -> "VISQ_GRPC_PREVIOUS_TOKEN".equals(e.get("name"))).findFirst().orElseThrow();
        assertTrue(check.problems().isEmpty(), "optional and absent: the variable is just unset");
        map(previous, "valueFrom", "secretKeyRef").remove("optional");
        assertTrue(check.problems().stream().anyMatch(p -> p.contains("env VISQ_GRPC_PREVIOUS_TOKEN reads key "
                + "previous-bearer-token of Secret visq-grpc, which has keys [bearer-token]")), check.problems().toString());
    }

    @Test
    void aSeedThatIsNotTheLearnersStableNameIsCaught() {
        Map<String, Object> data = map(manifests.find("ConfigMap", "visq-config").orElseThrow().object(), "data");
        data.put("kubernetes.conf", data.get("kubernetes.conf").toString().replace("visq-learner-0.visq-learner.",
                "visq-learner-1.visq-learner."));
        List<String> problems = check.seedProblems();
        assertFalse(problems.isEmpty());
        assertTrue(problems.get(0).contains("is no StatefulSet pod's stable name"), problems.toString());
    }

    private Map<String, Object> routerContainer() {
        Map<String, Object> router = manifests.find("Deployment", "visq-router").orElseThrow().object();
        return maps(map(router, "spec", "template", "spec"), "containers").get(0);
    }
}
