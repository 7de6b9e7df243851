/** Cluster plumbing: node roles, the guardian that spawns a node's actors, and the Kryo wire format. */
package visq.actors.cluster;
