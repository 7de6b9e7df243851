/** The training coordinator: feeds prompts in epochs, drives rollout, reward and learner, records progress. */
package visq.actors.coordinator;
