package visq.actors.learner;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptImages;
import visq.actors.rollout.Rollout;
import visq.gpu.rewards.ParsedAnswer;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.AdvantageScaling;
import visq.gpu.training.Advantages;
import visq.gpu.training.DynamicSampling;
import visq.gpu.training.GrpoSample;

/**
 * Turns scored groups into GRPO samples: group advantages (method.md §3), optional dynamic sampling,
 * and the step's reward statistics (mean reward, format rate, task reward, and the spread of the
 * scores the K samples of one image give, which VisualQuality-R1 shows falling during training).
 */
public record GrpoBatch(List<GrpoSample> samples, int droppedGroups, double rewardMean, double formatRate,
        double taskRewardMean, double scoreStd) {

    public GrpoBatch {
        samples = List.copyOf(samples);
    }

    public static GrpoBatch of(List<ScoredGroup> groups, PromptImages images, AdvantageScaling scaling,
            boolean dynamicSampling) {
        double[][] rewards = new double[groups.size()][];
        double rewardSum = 0;
        double formatSum = 0;
        double taskSum = 0;
        int count = 0;
        for (int g = 0; g < groups.size(); g++) {
            List<ResponseReward> groupRewards = groups.get(g).rewards();
            rewards[g] = groupRewards.stream().mapToDouble(ResponseReward::total).toArray();
            for (ResponseReward reward : groupRewards) {
                rewardSum += reward.total();
                formatSum += reward.format();
                taskSum += reward.task();
                count++;
            }
        }
        List<Integer> kept = new ArrayList<>();
        int dropped = 0;
        if (dynamicSampling) {
            DynamicSampling.Selection selection = DynamicSampling.select(rewards);
            kept.addAll(selection.keptGroups());
            dropped = selection.dropped();
        } else {
            for (int g = 0; g < groups.size(); g++) {
                kept.add(g);
            }
        }
        double[][] keptRewards = new double[kept.size()][];
        for (int i = 0; i < kept.size(); i++) {
            keptRewards[i] = rewards[kept.get(i)];
        }
        double[][] advantages = Advantages.compute(keptRewards, scaling);
        List<GrpoSample> samples = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            ScoredGroup group = groups.get(kept.get(i));
            QualityTask task = group.group().prompt().task();
            PolicyPrompt prompt = PromptCatalogue.prompt(task,
                    List.of(images.imageOf(group.group().prompt().sampleId())));
            List<Rollout> rollouts = group.group().rollouts();
            for (int k = 0; k < rollouts.size(); k++) {
                Rollout rollout = rollouts.get(k);
                samples.add(new GrpoSample(prompt, rollout.tokenIds().toArray(), toFloats(rollout.behaviourLogProbs()),
                        advantages[i][k]));
            }
        }
        return new GrpoBatch(samples, dropped, rewardSum / count, formatSum / count, taskSum / count,
                meanScoreSpread(groups));
    }

    /**
     * Mean over the groups whose answers are scores of the unbiased std of their parsed scores (read from the answers
     * the rewards carry); NaN when there are none.
     */
    static double meanScoreSpread(List<ScoredGroup> groups) {
        double sum = 0;
        int counted = 0;
        for (ScoredGroup group : groups) {
            double[] scores = group.rewards().stream()
                    .map(ResponseReward::answer)
                    .map(ParsedAnswer::score)
                    .filter(OptionalDouble::isPresent)
                    .mapToDouble(OptionalDouble::getAsDouble)
                    .toArray();
            if (scores.length >= 2) {
                double mean = java.util.Arrays.stream(scores).average().orElseThrow();
                double squares = java.util.Arrays.stream(scores).map(s -> (s - mean) * (s - mean)).sum();
                sum += Math.sqrt(squares / (scores.length - 1));
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private static float[] toFloats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
