package visq.gpu.rewards;

import java.util.List;
import visq.gpu.tasks.QualityTask;

/**
 * VisualQuality-R1's reward of the score-number task (method.md §2): the fidelity reward over all groups of the
 * batch (which must come from one dataset) + the regex format, per response.
 */
public record VisualQualityR1Reward(FidelityReward fidelity) implements TaskRewardFunction {

    @Override
    public QualityTask task() {
        return QualityTask.SCORE_NUMBER;
    }

    @Override
    public List<List<ResponseReward>> rewards(List<ResponseGroup> groups) {
        return ranking().rewards(groups);
    }

    /**
     * The reward of every response.
     *
     * @param responses [B][K] response texts
     * @param mos [B] MOS of the images
     * @param datasetIds [B] dataset of each image, all equal
     */
    public List<List<ResponseReward>> rewards(List<List<String>> responses, double[] mos, List<String> datasetIds) {
        return ranking().rewards(responses, mos, datasetIds);
    }

    private FidelityRanking ranking() {
        return new FidelityRanking(fidelity, AnswerParser::visualQualityScore, FormatReward.VISUALQUALITY_R1);
    }
}
