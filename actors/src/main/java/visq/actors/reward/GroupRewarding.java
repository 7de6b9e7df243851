package visq.actors.reward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.RewardBreakdown;
import visq.gpu.rewards.TaskReward;
import visq.gpu.tasks.DegradationLabel;
import visq.gpu.tasks.QualityTask;

/**
 * Maps rollout groups to the pure reward functions of gpu-workers (method.md §2): Q-Insight's score
 * and degradation rewards per response, and VisualQuality-R1's fidelity reward over all groups of the
 * score-number task in the batch (which must come from one dataset). Groups keep their order.
 */
public final class GroupRewarding {
    private final TaskReward rewards;
    private final GroundTruths truths;

    public GroupRewarding(TaskReward rewards, GroundTruths truths) {
        this.rewards = rewards;
        this.truths = truths;
    }

    /** The groups with their rewards; throws {@link IllegalArgumentException} naming what cannot be scored. */
    public List<ScoredGroup> score(List<RolloutGroup> groups) {
        Map<Integer, List<RolloutReward>> byIndex = new HashMap<>();
        List<Integer> rankingIndices = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            RolloutGroup group = groups.get(i);
            QualityTask task = group.prompt().task();
            if (task == QualityTask.SCORE_NUMBER) {
                rankingIndices.add(i);
            } else {
                byIndex.put(i, scoreAlone(group));
            }
        }
        if (!rankingIndices.isEmpty()) {
            scoreRanking(groups, rankingIndices, byIndex);
        }
        List<ScoredGroup> scored = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            scored.add(new ScoredGroup(groups.get(i), byIndex.get(i)));
        }
        return scored;
    }

    private List<RolloutReward> scoreAlone(RolloutGroup group) {
        SampleTruth truth = truths.truthOf(group.prompt().sampleId());
        List<RolloutReward> out = new ArrayList<>(group.rollouts().size());
        for (Rollout rollout : group.rollouts()) {
            RewardBreakdown reward = rewardOf(group.prompt().task(), rollout.text(), truth, group.prompt().sampleId());
            out.add(new RolloutReward(reward.format(), reward.task(), reward.total()));
        }
        return out;
    }

    private RewardBreakdown rewardOf(QualityTask task, String response, SampleTruth truth, String sampleId) {
        if (task == QualityTask.SCORE) {
            return rewards.qInsightScore(response, truth.normalisedMos());
        }
        if (task == QualityTask.DEGRADATION) {
            DegradationLabel label = truth.degradation().orElseThrow(() -> new IllegalArgumentException(
                    "sample " + sampleId + " has no degradation label, so the degradation task cannot be scored"));
            return rewards.qInsightDegradation(response, label);
        }
        throw new IllegalArgumentException("task " + task.id() + " is not trained with rewards (zero-shot only)");
    }

    private void scoreRanking(List<RolloutGroup> groups, List<Integer> indices, Map<Integer, List<RolloutReward>> into) {
        if (indices.size() < 2) {
            throw new IllegalArgumentException("the fidelity reward needs at least 2 images in a batch, got 1");
        }
        List<List<String>> responses = new ArrayList<>();
        double[] mos = new double[indices.size()];
        List<String> datasets = new ArrayList<>();
        for (int j = 0; j < indices.size(); j++) {
            RolloutGroup group = groups.get(indices.get(j));
            SampleTruth truth = truths.truthOf(group.prompt().sampleId());
            responses.add(group.rollouts().stream().map(Rollout::text).toList());
            mos[j] = truth.normalisedMos();
            datasets.add(truth.dataset());
        }
        List<List<RewardBreakdown>> ranked = rewards.visualQualityR1(responses, mos, datasets);
        for (int j = 0; j < indices.size(); j++) {
            into.put(indices.get(j), ranked.get(j).stream()
                    .map(r -> new RolloutReward(r.format(), r.task(), r.total())).toList());
        }
    }
}
