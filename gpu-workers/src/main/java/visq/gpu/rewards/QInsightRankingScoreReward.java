package visq.gpu.rewards;

import java.util.List;
import visq.gpu.tasks.QualityTask;

/**
 * The score task's reward on a ranking block (samples whose MOS only orders them, {@link SampleTruth#rankingOnly}):
 * Q-Insight's strict format and {@code {"rating": x}} answer, rewarded by the fidelity reward of method.md §2 over
 * the block's groups (which must come from one dataset) instead of the score threshold, since the block has no
 * absolute score to be near. Unparsable ratings are handled as {@link FidelityReward} is configured.
 */
public record QInsightRankingScoreReward(FidelityReward fidelity) implements TaskRewardFunction {

    @Override
    public QualityTask task() {
        return QualityTask.SCORE;
    }

    @Override
    public List<List<ResponseReward>> rewards(List<ResponseGroup> groups) {
        return new FidelityRanking(fidelity, AnswerParser::qInsightRating, FormatReward.Q_INSIGHT_STRICT)
                .rewards(groups);
    }
}
