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
        return reward(response, group.truth().normalisedMos());
    }

    /** The reward of {@code response} against the normalised MOS (1..5) of its image. */
    public ResponseReward reward(String response, double normalisedMos) {
        ParsedScore rating = AnswerParser.qInsightRating(response);
        return new ResponseReward(FormatReward.Q_INSIGHT_STRICT.reward(response),
                threshold.reward(rating, normalisedMos), rating);
    }
}
