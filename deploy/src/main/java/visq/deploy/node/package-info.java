/**
 * Starting cluster nodes: one in this JVM from a deploy configuration ({@code NodeLauncher}) or one in a child JVM
 * ({@code NodeProcess}). Imports no other {@code visq.deploy} package; the command line and the benchmarks use it.
 */
package visq.deploy.node;
