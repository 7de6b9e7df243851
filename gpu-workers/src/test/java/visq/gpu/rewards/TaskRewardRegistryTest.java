package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import visq.gpu.tasks.QualityTask;

class TaskRewardRegistryTest {

    private final QInsightScoreReward score = new QInsightScoreReward(ScoreThresholdReward.qInsight());
    private final QInsightDegradationReward degradation = new QInsightDegradationReward(DegradationReward.qInsight());

    @Test
    void eachRewardIsFoundUnderItsTask() {
        TaskRewardRegistry registry = TaskRewardRegistry.of(List.of(score, degradation));
        assertSame(score, registry.forTask(QualityTask.SCORE));
        assertSame(degradation, registry.forTask(QualityTask.DEGRADATION));
        assertEquals(Set.of(QualityTask.SCORE, QualityTask.DEGRADATION), registry.tasks());
    }

    @Test
    void aTaskWithoutRewardIsAnErrorNamingIt() {
        TaskRewardRegistry registry = TaskRewardRegistry.of(List.of(score));
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> registry.forTask(QualityTask.COMPARISON));
        assertTrue(missing.getMessage().contains("task comparison has no reward"), missing.getMessage());
    }

    @Test
    void rankingBlocksOfATaskGoToItsRankingBlockRewardWhenItHasOne() {
        QInsightRankingScoreReward ranking = new QInsightRankingScoreReward(
                new FidelityReward(FidelitySettings.defaults()));
        TaskRewardRegistry registry = TaskRewardRegistry.of(List.of(score, degradation), List.of(ranking));
        assertSame(ranking, registry.forGroups(QualityTask.SCORE, true));
        assertSame(score, registry.forGroups(QualityTask.SCORE, false));
        assertSame(degradation, registry.forGroups(QualityTask.DEGRADATION, true), "no ranking-block reward: its own");
        assertSame(score, TaskRewardRegistry.of(List.of(score)).forGroups(QualityTask.SCORE, true));
        IllegalArgumentException orphan = assertThrows(IllegalArgumentException.class,
                () -> TaskRewardRegistry.of(List.of(degradation), List.of(ranking)));
        assertTrue(orphan.getMessage().contains("task score has a ranking-block reward but no reward"),
                orphan.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> TaskRewardRegistry.of(List.of(score), List.of(ranking, ranking)));
        assertTrue(twice.getMessage().contains("task score has two ranking-block rewards"), twice.getMessage());
    }

    @Test
    void twoRewardsForOneTaskAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TaskRewardRegistry.of(List.of(score, new QInsightScoreReward(new ScoreThresholdReward(0.5)))));
        assertTrue(refused.getMessage().contains("task score has two rewards"), refused.getMessage());
    }
}
