package visq.actors.coordinator;

import visq.actors.rollout.PromptRef;

/** Writes the target response of a prompt in a cold-start step. */
@FunctionalInterface
public interface ColdStartTargets {

    /** The target response of {@code prompt} in cold-start step {@code step}. */
    String target(PromptRef prompt, long step);
}
