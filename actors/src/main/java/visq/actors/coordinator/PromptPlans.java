package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.SeedMixer;
import visq.gpu.tasks.QualityTask;

/**
 * The epoch plans of a run, per task and phase. With {@code grpoHoldout} 0 the cold start and GRPO walk one plan
 * per task (GRPO continues where the cold start stopped). With a fraction h > 0 each task's prompts are split once,
 * by a seeded shuffle: GRPO walks only the held-out h, the cold start only the rest, so reinforcement learning sees
 * prompts the supervised cold start never fitted. Mutable; owned by the coordinator.
 */
final class PromptPlans {
    private final Map<QualityTask, EpochPlan> coldStart = new EnumMap<>(QualityTask.class);
    private final Map<QualityTask, EpochPlan> grpo;

    PromptPlans(List<QualityTask> tasks, Function<QualityTask, List<PromptRef>> prompts, long seed,
            double grpoHoldout) {
        if (!(grpoHoldout >= 0 && grpoHoldout < 1)) {
            throw new IllegalArgumentException("visq.training.grpo-holdout must be in [0, 1), got " + grpoHoldout);
        }
        grpo = grpoHoldout == 0 ? coldStart : new EnumMap<>(QualityTask.class);
        for (QualityTask task : tasks) {
            long taskSeed = SeedMixer.mix(seed, task.ordinal());
            List<PromptRef> all = prompts.apply(task);
            if (grpoHoldout == 0) {
                coldStart.put(task, EpochPlan.start(all, taskSeed));
                continue;
            }
            List<PromptRef> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, new Random(SeedMixer.mix(taskSeed, 0x401D0A7L)));
            int held = (int) Math.round(grpoHoldout * shuffled.size());
            if (held < 1 || held >= shuffled.size()) {
                throw new IllegalArgumentException("task " + task.id() + " has " + shuffled.size()
                        + " prompts: grpo-holdout " + grpoHoldout + " leaves one phase without any");
            }
            coldStart.put(task, EpochPlan.start(shuffled.subList(held, shuffled.size()), taskSeed));
            grpo.put(task, EpochPlan.start(shuffled.subList(0, held), taskSeed));
        }
    }

    /** The next {@code count} prompts of {@code task} in the cold start's or GRPO's plan. */
    List<PromptRef> take(QualityTask task, int count, boolean grpoPhase) {
        Map<QualityTask, EpochPlan> plans = of(grpoPhase);
        EpochPlan.Taken taken = plans.get(task).take(count);
        plans.put(task, taken.next());
        return taken.prompts();
    }

    /** Where each task's plan of the phase stands (what a checkpoint stores). */
    List<PlanCursor> cursors(boolean grpoPhase) {
        List<PlanCursor> cursors = new ArrayList<>();
        of(grpoPhase).forEach((task, plan) -> cursors.add(
                new PlanCursor(task, plan.epoch(), plan.cursor())));
        return cursors;
    }

    /** Moves the phase's plans to checkpointed cursors; cursors of tasks this run does not train are ignored. */
    void restore(List<PlanCursor> cursors, boolean grpoPhase) {
        Map<QualityTask, EpochPlan> plans = of(grpoPhase);
        for (PlanCursor cursor : cursors) {
            EpochPlan plan = plans.get(cursor.task());
            if (plan != null) {
                plans.put(cursor.task(), new EpochPlan(plan.prompts(), plan.seed(), cursor.epoch(), cursor.cursor()));
            }
        }
    }

    private Map<QualityTask, EpochPlan> of(boolean grpoPhase) {
        return grpoPhase ? grpo : coldStart;
    }
}
