package visq.gpu.rewards;

import visq.gpu.tasks.QualityTask;

/** Q-Insight's reward of the score task (method.md §2): strict format + score threshold against the normalised MOS. */
public record QInsightScoreReward(ScoreThresholdReward threshold) implements PerResponseReward {

    @Override
    public QualityTask task() {
        return QualityTask.SCORE;
    }

    @Override
    public ResponseReward reward(String response, ResponseGroup group) {
        if (group.truth().rankingOnly()) {
            throw new IllegalArgumentException("sample " + group.sampleId() + " of dataset " + group.truth().dataset()
                    + " has a score that only orders its ranking block: the score threshold needs an opinion score"
                    + " (reward it with QInsightRankingScoreReward)");
        }
        return reward(response, group.truth().normalisedMos());
    }

    /** The reward of {@code response} against the normalised MOS (1..5) of its image. */
    public ResponseReward reward(String response, double normalisedMos) {
        ParsedScore rating = AnswerParser.qInsightRating(response);
        return new ResponseReward(FormatReward.Q_INSIGHT_STRICT.reward(response),
                threshold.reward(rating, normalisedMos), rating);
    }
}
