package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import visq.actors.learner.PlanCursor;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.SeedMixer;
import visq.gpu.tasks.QualityTask;

/**
 * The epoch plans of a run, per task, dataset and phase. Each step takes all its prompts from one dataset of its
 * task (VisualQuality-R1's fidelity reward compares MOS within a batch, which only means something within one
 * dataset): the dataset whose plan has walked the smallest share of its prompts, the first on a tie, so datasets
 * are visited in proportion to their size. A task with one dataset walks one plan, seeded by the run seed and the
 * task as before datasets were configurable; the d-th further dataset's plan is seeded with d mixed in.
 *
 * <p>With {@code grpoHoldout} 0 the cold start and GRPO walk the same plans (GRPO continues where the cold start
 * stopped). With a fraction h > 0 each dataset's prompts are split once, by a seeded shuffle: GRPO walks only the
 * held-out h, the cold start only the rest, so reinforcement learning sees prompts the supervised cold start never
 * fitted.
 *
 * <p>Ranking blocks (a dataset whose prompts come in blocks, {@link TrainingData.DatasetPrompts#blockSize}) train in
 * GRPO only: the cold start walks a task's other datasets (all of them only if every one is ranked), and when a run
 * has any, GRPO walks plans of its own that start where the cold start's started. Mutable; owned by the coordinator.
 */
final class PromptPlans {
    private record DatasetPlan(String dataset, EpochPlan plan, double weight) {
        DatasetPlan at(EpochPlan moved) {
            return new DatasetPlan(dataset, moved, weight);
        }
    }

    private final Map<QualityTask, List<DatasetPlan>> coldStart = new EnumMap<>(QualityTask.class);
    private final Map<QualityTask, List<DatasetPlan>> grpo;

    PromptPlans(List<QualityTask> tasks, Function<QualityTask, List<TrainingData.DatasetPrompts>> prompts, long seed,
            double grpoHoldout) {
        this(tasks, prompts, seed, grpoHoldout, DatasetWeights.none());
    }

    PromptPlans(List<QualityTask> tasks, Function<QualityTask, List<TrainingData.DatasetPrompts>> prompts, long seed,
            double grpoHoldout, DatasetWeights weights) {
        if (!(grpoHoldout >= 0 && grpoHoldout < 1)) {
            throw new IllegalArgumentException("visq.training.grpo-holdout must be in [0, 1), got " + grpoHoldout);
        }
        boolean ranking = tasks.stream()
                .anyMatch(task -> prompts.apply(task).stream().anyMatch(d -> d.blockSize() > 1));
        grpo = grpoHoldout == 0 && !ranking ? coldStart : new EnumMap<>(QualityTask.class);
        for (QualityTask task : tasks) {
            long taskSeed = SeedMixer.mix(seed, task.ordinal());
            List<DatasetPlan> coldStartPlans = new ArrayList<>();
            List<DatasetPlan> grpoPlans = new ArrayList<>();
            List<TrainingData.DatasetPrompts> datasets = prompts.apply(task);
            for (int d = 0; d < datasets.size(); d++) {
                String dataset = datasets.get(d).dataset();
                double weight = weights.of(task, dataset);
                int block = datasets.get(d).blockSize();
                List<PromptRef> all = datasets.get(d).prompts();
                long planSeed = d == 0 ? taskSeed : SeedMixer.mix(taskSeed, d);
                if (grpoHoldout == 0) {
                    coldStartPlans.add(new DatasetPlan(dataset, EpochPlan.startInBlocks(all, block, planSeed), weight));
                    grpoPlans.add(new DatasetPlan(dataset, EpochPlan.startInBlocks(all, block, planSeed), weight));
                    continue;
                }
                List<List<PromptRef>> units = EpochPlan.blocks(all, block);
                Collections.shuffle(units, new Random(SeedMixer.mix(planSeed, 0x401D0A7L)));
                int held = (int) Math.round(grpoHoldout * units.size());
                if (held < 1 || held >= units.size()) {
                    throw new IllegalArgumentException("task " + task.id() + " has " + all.size()
                            + " prompts of dataset " + dataset + ": grpo-holdout " + grpoHoldout
                            + " leaves one phase without any");
                }
                List<PromptRef> coldStartPrompts = EpochPlan.flat(units.subList(held, units.size()));
                coldStartPlans.add(new DatasetPlan(dataset, EpochPlan.startInBlocks(coldStartPrompts, block, planSeed),
                        weight));
                grpoPlans.add(new DatasetPlan(dataset,
                        EpochPlan.startInBlocks(EpochPlan.flat(units.subList(0, held)), block, planSeed), weight));
            }
            coldStart.put(task, withoutRankingBlocks(coldStartPlans, datasets));
            if (grpo != coldStart) {
                grpo.put(task, grpoPlans);
            }
        }
    }

    /**
     * The cold start's plans of a task: those of datasets that are not ranking blocks (their scores only order within
     * a block, which the supervised cold start cannot use), or all of them when every dataset of the task is one.
     */
    private static List<DatasetPlan> withoutRankingBlocks(List<DatasetPlan> plans,
            List<TrainingData.DatasetPrompts> datasets) {
        List<DatasetPlan> kept = new ArrayList<>();
        for (int d = 0; d < plans.size(); d++) {
            if (datasets.get(d).blockSize() == 1) {
                kept.add(plans.get(d));
            }
        }
        return kept.isEmpty() ? plans : kept;
    }

    /** The next {@code count} prompts of {@code task} in the cold start's or GRPO's plans, all from one dataset. */
    List<PromptRef> take(QualityTask task, int count, boolean grpoPhase) {
        List<DatasetPlan> plans = of(grpoPhase).get(task);
        int chosen = 0;
        for (int d = 1; d < plans.size(); d++) {
            if (walkedLess(plans.get(d), plans.get(chosen))) {
                chosen = d;
            }
        }
        DatasetPlan plan = plans.get(chosen);
        EpochPlan.Taken taken = plan.plan().take(count);
        plans.set(chosen, plan.at(taken.next()));
        return taken.prompts();
    }

    /**
     * Whether plan {@code a} has walked a smaller share of its prompts × weight than {@code b}: exact in integers
     * when both weigh the same, else walked_a · size_b · w_b &lt; walked_b · size_a · w_a in doubles.
     */
    private static boolean walkedLess(DatasetPlan a, DatasetPlan b) {
        long walkedA = (long) a.plan().epoch() * a.plan().prompts().size() + a.plan().cursor();
        long walkedB = (long) b.plan().epoch() * b.plan().prompts().size() + b.plan().cursor();
        long left = Math.multiplyExact(walkedA, b.plan().prompts().size());
        long right = Math.multiplyExact(walkedB, a.plan().prompts().size());
        if (a.weight() == b.weight()) {
            return left < right;
        }
        return left * b.weight() < right * a.weight();
    }

    /** Where each plan of the phase stands (what a checkpoint stores). */
    List<PlanCursor> cursors(boolean grpoPhase) {
        List<PlanCursor> cursors = new ArrayList<>();
        of(grpoPhase).forEach((task, plans) -> plans.forEach(p -> cursors.add(
                new PlanCursor(task, p.dataset(), p.plan().epoch(), p.plan().cursor()))));
        return cursors;
    }

    /**
     * Moves the phase's plans to checkpointed cursors. A cursor without a dataset belongs to its task's first
     * dataset; cursors of tasks or datasets this run does not train are ignored.
     */
    void restore(List<PlanCursor> cursors, boolean grpoPhase) {
        Map<QualityTask, List<DatasetPlan>> phase = of(grpoPhase);
        for (PlanCursor cursor : cursors) {
            List<DatasetPlan> plans = phase.get(cursor.task());
            if (plans == null) {
                continue;
            }
            for (int d = 0; d < plans.size(); d++) {
                DatasetPlan plan = plans.get(d);
                if (plan.dataset().equals(cursor.dataset()) || (cursor.dataset().isEmpty() && d == 0)) {
                    plans.set(d, plan.at(plan.plan().at(cursor.epoch(), cursor.cursor())));
                    break;
                }
            }
        }
    }

    private Map<QualityTask, List<DatasetPlan>> of(boolean grpoPhase) {
        return grpoPhase ? grpo : coldStart;
    }
}
