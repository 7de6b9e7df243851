package visq.gpu.rewards;

import java.util.ArrayList;
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
        double[] mos = groups.stream().mapToDouble(group -> group.truth().normalisedMos()).toArray();
        List<String> datasetIds = groups.stream().map(group -> group.truth().dataset()).toList();
        return rewards(groups.stream().map(ResponseGroup::responses).toList(), mos, datasetIds);
    }

    /**
     * The reward of every response.
     *
     * @param responses [B][K] response texts
     * @param mos [B] MOS of the images
     * @param datasetIds [B] dataset of each image, all equal
     */
    public List<List<ResponseReward>> rewards(List<List<String>> responses, double[] mos, List<String> datasetIds) {
        List<List<ParsedScore>> answers = responses.stream()
                .map(texts -> texts.stream().map(AnswerParser::visualQualityScore).toList())
                .toList();
        double[][] scores = answers.stream()
                .map(row -> row.stream().mapToDouble(ParsedScore::valueOrNaN).toArray())
                .toArray(double[][]::new);
        double[][] rank = fidelity.rewards(scores, mos, datasetIds);
        List<List<ResponseReward>> out = new ArrayList<>(responses.size());
        for (int i = 0; i < scores.length; i++) {
            List<ResponseReward> row = new ArrayList<>(scores[i].length);
            for (int k = 0; k < scores[i].length; k++) {
                row.add(new ResponseReward(FormatReward.VISUALQUALITY_R1.reward(responses.get(i).get(k)), rank[i][k],
                        answers.get(i).get(k)));
            }
            out.add(List.copyOf(row));
        }
        return List.copyOf(out);
    }
}
