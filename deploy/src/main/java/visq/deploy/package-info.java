/** The command-line entry: starting nodes and local clusters, a progress bar, and gRPC client commands. */
package visq.deploy;
