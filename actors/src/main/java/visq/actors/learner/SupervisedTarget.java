package visq.actors.learner;

import visq.actors.rollout.PromptRef;

/** A cold-start example: a prompt and the templated response the policy should learn to write. */
public record SupervisedTarget(PromptRef prompt, String response) {}
