package visq.actors.reward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.ResponseGroup;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.rewards.TaskRewardFunction;
import visq.gpu.rewards.TaskRewardRegistry;
import visq.gpu.tasks.QualityTask;

/**
 * Maps rollout groups to the pure reward functions of gpu-workers (method.md §2): the groups of each task in the
 * batch go together to that task's reward in the registry (VisualQuality-R1's fidelity ranks all score-number groups
 * of a batch, which must come from one dataset); a task's groups from a ranking block (scores that only order,
 * {@link SampleTruth#rankingOnly}) go apart, to its ranking-block reward when it has one. Groups keep their order.
 */
public final class GroupRewarding {
    private final TaskRewardRegistry rewards;
    private final GroundTruths truths;

    public GroupRewarding(TaskRewardRegistry rewards, GroundTruths truths) {
        this.rewards = rewards;
        this.truths = truths;
    }

    /** The groups with their rewards; throws {@link IllegalArgumentException} naming what cannot be scored. */
    public List<ScoredGroup> score(List<RolloutGroup> groups) {
        List<ResponseGroup> responseGroups = groups.stream().map(this::responseGroup).toList();
        Map<RewardedBy, List<Integer>> indicesByReward = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            RewardedBy key = new RewardedBy(groups.get(i).prompt().task(), responseGroups.get(i).truth().rankingOnly());
            indicesByReward.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<List<ResponseReward>> byIndex = new ArrayList<>(Collections.nCopies(groups.size(), null));
        indicesByReward.forEach((key, indices) -> {
            TaskRewardFunction reward = rewards.forGroups(key.task(), key.rankingOnly());
            List<List<ResponseReward>> taskRewards = reward.rewards(indices.stream().map(responseGroups::get).toList());
            for (int j = 0; j < indices.size(); j++) {
                byIndex.set(indices.get(j), taskRewards.get(j));
            }
        });
        List<ScoredGroup> scored = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            scored.add(new ScoredGroup(groups.get(i), byIndex.get(i)));
        }
        return scored;
    }

    private record RewardedBy(QualityTask task, boolean rankingOnly) {}

    private ResponseGroup responseGroup(RolloutGroup group) {
        String sampleId = group.prompt().sampleId();
        return new ResponseGroup(sampleId, truths.truthOf(sampleId),
                group.rollouts().stream().map(Rollout::text).toList());
    }
}
