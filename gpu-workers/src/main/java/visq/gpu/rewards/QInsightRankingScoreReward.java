package visq.gpu.rewards;

import java.util.ArrayList;
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
        List<List<ParsedScore>> ratings = groups.stream()
                .map(group -> group.responses().stream().map(AnswerParser::qInsightRating).toList())
                .toList();
        double[][] scores = ratings.stream()
                .map(row -> row.stream().mapToDouble(ParsedScore::valueOrNaN).toArray())
                .toArray(double[][]::new);
        double[] mos = groups.stream().mapToDouble(group -> group.truth().normalisedMos()).toArray();
        double[][] rank = fidelity.rewards(scores, mos, groups.stream().map(group -> group.truth().dataset()).toList());
        List<List<ResponseReward>> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            List<ResponseReward> row = new ArrayList<>(scores[i].length);
            for (int k = 0; k < scores[i].length; k++) {
                row.add(new ResponseReward(FormatReward.Q_INSIGHT_STRICT.reward(groups.get(i).responses().get(k)),
                        rank[i][k], ratings.get(i).get(k)));
            }
            out.add(List.copyOf(row));
        }
        return List.copyOf(out);
    }
}
