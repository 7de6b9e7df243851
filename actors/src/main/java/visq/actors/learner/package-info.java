/**
 * The learner: supervised cold start, GRPO updates, checkpoints and publishing weight versions; with the values its
 * protocol carries and the coordinator reads (step statistics, training phase, data plan cursors).
 */
package visq.actors.learner;
