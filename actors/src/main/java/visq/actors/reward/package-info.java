/** The reward actor and the mapping from rollout groups to the pure reward functions. */
package visq.actors.reward;
