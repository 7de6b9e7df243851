/** The learner: supervised cold start, GRPO updates, checkpoints and publishing weight versions. */
package visq.actors.learner;
