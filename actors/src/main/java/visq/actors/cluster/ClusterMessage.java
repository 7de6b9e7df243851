package visq.actors.cluster;

/**
 * Marker for every message that may cross cluster nodes. Bound to {@link KryoClusterSerializer} in
 * {@code reference.conf}; only classes listed in {@link ClusterMessageRegistry} can be sent.
 */
public interface ClusterMessage {}
