package visq.deploy.node;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import visq.actors.cluster.NodeGuardian;

/**
 * Starts one cluster node: loads a deploy configuration (from {@code deploy/conf}, on the classpath),
 * applies environment overrides that HOCON cannot express (comma-separated roles and devices) and
 * command-line {@code --set key=value} overrides, and joins itself when no seed node is configured.
 */
public final class NodeLauncher {
    public static final String SYSTEM_NAME = "visq";

    private NodeLauncher() {}

    /** The configuration of a node started from {@code configName} with {@code overrides}. */
    public static Config configure(String configName, Map<String, String> overrides, Map<String, String> env) {
        Config config = ConfigFactory.parseResourcesAnySyntax(configName);
        if (config.isEmpty()) {
            throw new IllegalArgumentException("configuration '" + configName + "' not found on the classpath "
                    + "(expected one of local.conf, light.conf, ranking.conf, multi-node.conf, cluster-tls.conf)");
        }
        Config overlay = environmentOverlay(env);
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            overlay = overlay.withFallback(ConfigFactory.parseString(entry.getKey() + " = " + entry.getValue()));
        }
        return overlay.withFallback(ConfigFactory.defaultOverrides()).withFallback(config)
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    /** The settings {@code env} names that HOCON cannot express: comma-separated VISQ_ROLES and VISQ_DEVICES. */
    public static Config environmentOverlay(Map<String, String> env) {
        Config overlay = ConfigFactory.empty();
        if (env.containsKey("VISQ_ROLES")) {
            overlay = overlay.withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(split(env.get("VISQ_ROLES"))));
        }
        if (env.containsKey("VISQ_DEVICES")) {
            overlay = overlay.withValue("visq.rollout.devices",
                    ConfigValueFactory.fromIterable(split(env.get("VISQ_DEVICES"))));
        }
        return overlay;
    }

    /** Starts the node; a node without seed nodes forms a cluster of its own. */
    public static ActorSystem<Void> start(Config config) {
        ActorSystem<Void> system = ActorSystem.create(NodeGuardian.create(config), SYSTEM_NAME, config);
        if (config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
            Cluster cluster = Cluster.get(system);
            Address self = cluster.selfMember().address();
            cluster.manager().tell(Join.create(self));
        }
        return system;
    }

    private static List<String> split(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
