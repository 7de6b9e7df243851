package visq.actors.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.TokenIds;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.DegradationReward;
import visq.gpu.rewards.FidelityReward;
import visq.gpu.rewards.FidelitySettings;
import visq.gpu.rewards.QInsightDegradationReward;
import visq.gpu.rewards.QInsightRankingScoreReward;
import visq.gpu.rewards.QInsightScoreReward;
import visq.gpu.rewards.ResponseGroup;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.rewards.ScoreThresholdReward;
import visq.gpu.rewards.TaskRewardRegistry;
import visq.gpu.rewards.VisualQualityR1Reward;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.gpu.image.Severity;

class GroupRewardingTest {

    private static final Map<String, SampleTruth> TRUTHS = Map.of(
            "clive/a", new SampleTruth("clive", 4.2, Optional.empty()),
            "clive/b", new SampleTruth("clive", 1.8, Optional.empty()),
            "kodak/c", new SampleTruth("kodak", 3.0,
                    Optional.of(DegradationLabel.of(DegradationClass.NOISE, Severity.SLIGHT))));
    private static final String SCORE_A = "<think>\nsharp\n</think>\n<answer>\n{\"rating\": 4.1}\n</answer>";
    private static final String SCORE_B = "<think>\nsoft\n</think>\n<answer>\n{\"rating\": 3.0}\n</answer>";
    private static final String DEGRADED =
            "<think>\ngrain\n</think>\n<answer>\n{\"distortion_class\": \"noise\", \"severity\": \"slight\"}\n</answer>";
    private static final String NUMBER_HIGH = "<think>good</think><answer>4.0</answer>";
    private static final String NUMBER_LOW = "<think>poor</think><answer>2.5</answer>";

    private final QInsightScoreReward score = new QInsightScoreReward(ScoreThresholdReward.qInsight());
    private final QInsightDegradationReward degradation = new QInsightDegradationReward(DegradationReward.qInsight());
    private final GroupRewarding rewarding = new GroupRewarding(TaskRewardRegistry.of(List.of(score, degradation,
            new VisualQualityR1Reward(new FidelityReward(FidelitySettings.defaults())))), TRUTHS::get);

    private static RolloutGroup group(String sampleId, QualityTask task, String... texts) {
        return new RolloutGroup(new PromptRef(sampleId, task), 1, List.of(texts).stream()
                .map(text -> new Rollout(text, TokenIds.of(1), List.of(-1f), true)).toList());
    }

    @Test
    void eachTasksGroupsGoToItsRewardAndKeepTheirOrder() {
        List<RolloutGroup> groups = List.of(
                group("clive/a", QualityTask.SCORE_NUMBER, NUMBER_HIGH, NUMBER_LOW),
                group("clive/a", QualityTask.SCORE, SCORE_A, SCORE_B),
                group("kodak/c", QualityTask.DEGRADATION, DEGRADED, SCORE_A),
                group("clive/b", QualityTask.SCORE_NUMBER, NUMBER_LOW, NUMBER_LOW));
        List<ScoredGroup> scored = rewarding.score(groups);
        assertEquals(groups, scored.stream().map(ScoredGroup::group).toList(), "groups keep their order");
        // expected: each reward called directly (their numbers are pinned by the gpu-workers golden tests); the two
        // score-number groups are ranked together as one fidelity batch
        List<List<ResponseReward>> ranked = new VisualQualityR1Reward(new FidelityReward(FidelitySettings.defaults()))
                .rewards(List.of(List.of(NUMBER_HIGH, NUMBER_LOW), List.of(NUMBER_LOW, NUMBER_LOW)),
                        new double[] {4.2, 1.8}, List.of("clive", "clive"));
        assertEquals(ranked.get(0), scored.get(0).rewards(), "score-number, first of the fidelity batch");
        assertEquals(List.of(score.reward(SCORE_A, 4.2), score.reward(SCORE_B, 4.2)), scored.get(1).rewards());
        DegradationLabel noiseSlight = TRUTHS.get("kodak/c").degradation().orElseThrow();
        assertEquals(List.of(degradation.reward(DEGRADED, noiseSlight), degradation.reward(SCORE_A, noiseSlight)),
                scored.get(2).rewards());
        assertEquals(ranked.get(1), scored.get(3).rewards(), "score-number, second of the fidelity batch");
        assertEquals(2.0, scored.get(1).rewards().get(0).total(), "|4.1 − 4.2| < 0.35 and the strict format");
    }

    @Test
    void scoreGroupsOfARankingBlockGoToTheRankingBlockReward() {
        Map<String, SampleTruth> block = Map.of(
                "kodak/slight", new SampleTruth("kodak", 4.2, Optional.empty(), true),
                "kodak/serious", new SampleTruth("kodak", 2.6, Optional.empty(), true));
        QInsightRankingScoreReward ranking = new QInsightRankingScoreReward(
                new FidelityReward(FidelitySettings.defaults()));
        GroupRewarding withBlocks = new GroupRewarding(TaskRewardRegistry.of(List.of(score, degradation),
                List.of(ranking)), block::get);
        List<RolloutGroup> groups = List.of(group("kodak/slight", QualityTask.SCORE, SCORE_A, SCORE_B),
                group("kodak/serious", QualityTask.SCORE, SCORE_B, SCORE_B));
        List<ScoredGroup> scored = withBlocks.score(groups);
        // expected: the ranking-block reward called directly on the two groups as one batch
        List<List<ResponseReward>> expected = ranking.rewards(List.of(
                new ResponseGroup("kodak/slight", block.get("kodak/slight"), List.of(SCORE_A, SCORE_B)),
                new ResponseGroup("kodak/serious", block.get("kodak/serious"), List.of(SCORE_B, SCORE_B))));
        assertEquals(expected, scored.stream().map(ScoredGroup::rewards).toList());
        // without a ranking-block reward the threshold reward refuses the proxy scores instead of using them
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new GroupRewarding(TaskRewardRegistry.of(List.of(score)), block::get).score(groups));
        assertTrue(refused.getMessage().contains("only orders its ranking block"), refused.getMessage());
    }

    @Test
    void aTaskWithoutRewardFailsTheBatchNamingTheTask() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> rewarding.score(List.of(group("clive/a", QualityTask.COMPARISON, "x"))));
        assertTrue(refused.getMessage().contains("comparison"), refused.getMessage());
    }
}
