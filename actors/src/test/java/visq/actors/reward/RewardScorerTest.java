package visq.actors.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.TokenIds;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.FidelityReward;
import visq.gpu.rewards.FidelitySettings;
import visq.gpu.rewards.QInsightScoreReward;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.rewards.ScoreThresholdReward;
import visq.gpu.rewards.TaskRewardRegistry;
import visq.gpu.rewards.VisualQualityR1Reward;
import visq.gpu.tasks.QualityTask;

/** The reward scorer actor: real rewards over real ground truths; only the asker is a probe. */
class RewardScorerTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final Map<String, SampleTruth> TRUTHS = Map.of(
            "clive/a", new SampleTruth("clive", 4.2, Optional.empty()),
            "clive/b", new SampleTruth("clive", 1.8, Optional.empty()),
            "koniq/c", new SampleTruth("koniq", 3.0, Optional.empty()));
    private static final GroupRewarding REWARDING = new GroupRewarding(TaskRewardRegistry.of(List.of(
            new QInsightScoreReward(ScoreThresholdReward.qInsight()),
            new VisualQualityR1Reward(new FidelityReward(FidelitySettings.defaults())))),
            sampleId -> Optional.ofNullable(TRUTHS.get(sampleId))
                    .orElseThrow(() -> new IllegalArgumentException("unknown sample " + sampleId)));
    private static final String GOOD = "<think>\nsharp\n</think>\n<answer>\n{\"rating\": 4.1}\n</answer>";
    private static final String POOR = "<think>\nsoft\n</think>\n<answer>\n{\"rating\": 2.0}\n</answer>";

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static RolloutGroup group(String sampleId, QualityTask task, String... texts) {
        return new RolloutGroup(new PromptRef(sampleId, task), 2, List.of(texts).stream()
                .map(text -> new Rollout(text, TokenIds.of(1, 2), List.of(-1f, -0.5f), true)).toList());
    }

    @Test
    void scoresABatchAsTheRewardsDoAndKeepsItsId() {
        ActorRef<RewardScorer.Command> scorer = TEST_KIT.spawn(RewardScorer.create(REWARDING));
        TestProbe<StatusReply<RewardScorer.GroupsScored>> asker = TEST_KIT.createTestProbe();
        List<RolloutGroup> groups = List.of(group("clive/a", QualityTask.SCORE, GOOD, POOR),
                group("clive/b", QualityTask.SCORE, POOR, GOOD));
        scorer.tell(new RewardScorer.ScoreGroups(11, groups, asker.getRef()));
        RewardScorer.GroupsScored scored = asker.receiveMessage().getValue();
        assertEquals(new RewardScorer.GroupsScored(11, REWARDING.score(groups)), scored);
        assertEquals(2.0, scored.groups().get(0).rewards().get(0).total(), "|4.1 − 4.2| < 0.35 and the strict format");
        assertEquals(1.0, scored.groups().get(0).rewards().get(1).total(), "format only: |2.0 − 4.2| ≥ 0.35");
    }

    @Test
    void aBatchThatCannotBeScoredFailsWithItsReasonAndTheScorerGoesOn() {
        ActorRef<RewardScorer.Command> scorer = TEST_KIT.spawn(RewardScorer.create(REWARDING));
        TestProbe<StatusReply<RewardScorer.GroupsScored>> asker = TEST_KIT.createTestProbe();
        scorer.tell(new RewardScorer.ScoreGroups(3, List.of(group("nowhere/x", QualityTask.SCORE, GOOD, POOR)),
                asker.getRef()));
        assertEquals(StatusReply.error("unknown sample nowhere/x"), asker.receiveMessage());

        scorer.tell(new RewardScorer.ScoreGroups(4, List.of(group("clive/a", QualityTask.SCORE_NUMBER, "a", "b"),
                group("koniq/c", QualityTask.SCORE_NUMBER, "c", "d")), asker.getRef()));
        String mixed = asker.receiveMessage().getError().getMessage();
        assertTrue(mixed.contains("clive") && mixed.contains("koniq"), mixed);

        List<RolloutGroup> groups = List.of(group("clive/a", QualityTask.SCORE, GOOD, GOOD));
        scorer.tell(new RewardScorer.ScoreGroups(5, groups, asker.getRef()));
        assertEquals(StatusReply.success(new RewardScorer.GroupsScored(5, REWARDING.score(groups))),
                asker.receiveMessage());
    }
}
