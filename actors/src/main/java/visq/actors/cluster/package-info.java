/**
 * Cluster plumbing: node roles, the guardian that spawns a node's actors, and the Kryo wire format. The top of the
 * actors: it imports every actor package, none imports it (the message marker lives in {@code visq.actors.protocol}).
 */
package visq.actors.cluster;
