/** {@code visq bench}: throughput and latency of rollouts, learner steps, weight pushes, scoring and async training. */
package visq.deploy.bench;
