package visq.actors.protocol;

/**
 * Marker for every message that may cross cluster nodes. Bound to {@code visq.actors.cluster.KryoClusterSerializer}
 * in {@code reference.conf}; only classes listed in {@code visq.actors.cluster.ClusterMessageRegistry} can be sent.
 */
public interface ClusterMessage {}
