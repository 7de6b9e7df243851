package visq.gpu.rewards;

import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;

/** Q-Insight's reward of the degradation task (method.md §2): strict format + class and severity match. */
public record QInsightDegradationReward(DegradationReward degradation) implements PerResponseReward {

    @Override
    public QualityTask task() {
        return QualityTask.DEGRADATION;
    }

    /** @throws IllegalArgumentException when the group's sample has no degradation label */
    @Override
    public ResponseReward reward(String response, ResponseGroup group) {
        DegradationLabel label = group.truth().degradation().orElseThrow(() -> new IllegalArgumentException("sample "
                + group.sampleId() + " has no degradation label, so the degradation task cannot be scored"));
        return reward(response, label);
    }

    /** The reward of {@code response} against the true label of its image. */
    public ResponseReward reward(String response, DegradationLabel truth) {
        ParsedDegradation answer = AnswerParser.qInsightDegradation(response);
        return new ResponseReward(FormatReward.Q_INSIGHT_STRICT.reward(response),
                degradation.reward(answer, truth), answer);
    }
}
