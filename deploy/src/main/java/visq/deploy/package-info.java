/**
 * The command-line entry: {@code VisqCommand}, the {@code visq} main class, which dispatches to the commands in
 * {@code visq.deploy.cli}; nodes are started through {@code visq.deploy.node}.
 */
package visq.deploy;
