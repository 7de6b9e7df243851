/** {@code visq bench}: throughput and latency of rollouts, learner steps, weight pushes, scoring, async training and rollout-node scaling. */
package visq.deploy.bench;
