package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.List;
import visq.actors.learner.Learner;
import visq.actors.learner.PlanCursor;
import visq.actors.learner.SupervisedTarget;
import visq.actors.rollout.PromptRef;

/**
 * What each step trains on: its task (the phase's turn of tasks, {@link TrainingSettings}) and its prompts, taken
 * from the run's {@link PromptPlans}, with where the plans stand once they were taken (what the learner
 * checkpoints). When the run resumes, the plans move to the checkpoint's cursors; after the learner restarted they
 * are first walked from the start again, so every step after the checkpoint gets the same prompts as before.
 * Mutable; owned by the coordinator.
 */
final class StepPlans {
    /** A cold-start step's targets, and where the cold start's plans stand once their prompts were taken. */
    record ColdStartStep(List<SupervisedTarget> targets, List<PlanCursor> cursorsAfter) {}

    private final TrainingSettings settings;
    private final TrainingData data;
    private PromptPlans plans;

    StepPlans(TrainingSettings settings, TrainingData data) {
        this.settings = settings;
        this.data = data;
        this.plans = newPlans();
    }

    private PromptPlans newPlans() {
        return new PromptPlans(settings.tasks(), data::datasets, settings.seed(), settings.grpoHoldout(),
                settings.datasetWeights());
    }

    /** Moves the plans to where the learner resumes; {@code restarted}: walked from the start again first. */
    void resumeAt(Learner.ResumePoint point, boolean restarted) {
        if (restarted) {
            plans = newPlans();
        }
        // a checkpoint of the last cold-start step holds the cold start's cursors; GRPO then starts its own plans
        plans.restore(point.cursors(), point.step() > settings.coldStartSteps());
    }

    /** Takes the prompts of cold-start step {@code step} and writes their targets. */
    ColdStartStep coldStart(long step) {
        List<PromptRef> prompts = plans.take(settings.coldStartTaskOf(step), settings.coldStartBatch(), false);
        List<SupervisedTarget> targets = new ArrayList<>(prompts.size());
        for (PromptRef prompt : prompts) {
            targets.add(new SupervisedTarget(prompt, data.coldStartTargets().target(prompt, step)));
        }
        return new ColdStartStep(targets, plans.cursors(false));
    }

    /** Takes the prompts of GRPO step {@code step}: its rollouts, none generated yet. */
    StepRollouts grpo(long step) {
        List<PromptRef> prompts = plans.take(settings.grpoTaskOf(step), settings.promptsPerStep(), true);
        return new StepRollouts(step, prompts, plans.cursors(true));
    }
}
