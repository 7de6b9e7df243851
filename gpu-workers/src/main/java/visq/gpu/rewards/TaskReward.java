package visq.gpu.rewards;

import java.util.ArrayList;
import java.util.List;
import visq.gpu.tasks.DegradationLabel;

/**
 * The total reward of a response per task (method.md §2): Q-Insight's format (strict) + score or degradation, and
 * VisualQuality-R1's fidelity + format (regex) over a batch.
 */
public final class TaskReward {

    private final ScoreThresholdReward score;
    private final DegradationReward degradation;
    private final FidelityReward fidelity;

    public TaskReward(ScoreThresholdReward score, DegradationReward degradation, FidelityReward fidelity) {
        this.score = score;
        this.degradation = degradation;
        this.fidelity = fidelity;
    }

    /** The papers' constants, with the fidelity reward configured by {@code fidelitySettings}. */
    public static TaskReward withPaperConstants(FidelitySettings fidelitySettings) {
        return new TaskReward(ScoreThresholdReward.qInsight(), DegradationReward.qInsight(),
                new FidelityReward(fidelitySettings));
    }

    /** Q-Insight score task: strict format + score threshold reward against the normalised MOS (1..5). */
    public RewardBreakdown qInsightScore(String response, double normalisedMos) {
        return RewardBreakdown.of(FormatReward.Q_INSIGHT_STRICT.reward(response),
                score.reward(AnswerParser.qInsightRating(response), normalisedMos));
    }

    /** Q-Insight degradation task: strict format + degradation reward. */
    public RewardBreakdown qInsightDegradation(String response, DegradationLabel truth) {
        return RewardBreakdown.of(FormatReward.Q_INSIGHT_STRICT.reward(response),
                degradation.reward(AnswerParser.qInsightDegradation(response), truth));
    }

    /**
     * VisualQuality-R1: fidelity (over the whole batch) + regex format, per response.
     *
     * @param responses [B][K] response texts
     * @param mos [B] MOS of the images
     * @param datasetIds [B] dataset of each image, all equal
     */
    public List<List<RewardBreakdown>> visualQualityR1(
            List<List<String>> responses, double[] mos, List<String> datasetIds) {
        double[][] scores = new double[responses.size()][];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = responses.get(i).stream()
                    .mapToDouble(r -> AnswerParser.visualQualityScore(r).valueOrNaN())
                    .toArray();
        }
        double[][] rank = fidelity.rewards(scores, mos, datasetIds);
        List<List<RewardBreakdown>> out = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            List<RewardBreakdown> row = new ArrayList<>();
            for (int k = 0; k < scores[i].length; k++) {
                row.add(RewardBreakdown.of(FormatReward.VISUALQUALITY_R1.reward(responses.get(i).get(k)), rank[i][k]));
            }
            out.add(List.copyOf(row));
        }
        return List.copyOf(out);
    }
}
