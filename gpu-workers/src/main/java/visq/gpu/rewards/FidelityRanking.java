package visq.gpu.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rewards the responses of a batch by the fidelity reward over the scores they give (method.md §2), with a task's
 * answer parser and format reward: what every task that ranks its answers within a batch shares.
 *
 * @param fidelity the fidelity reward
 * @param parser reads a response's score
 * @param format the format reward of a response
 */
record FidelityRanking(FidelityReward fidelity, Function<String, ParsedScore> parser, FormatReward format) {

    /**
     * The reward of every response.
     *
     * @param responses [B][K] response texts
     * @param mos [B] MOS (or ranking-only scores) of the images
     * @param datasetIds [B] dataset of each image, all equal
     */
    List<List<ResponseReward>> rewards(List<List<String>> responses, double[] mos, List<String> datasetIds) {
        List<List<ParsedScore>> answers = responses.stream()
                .map(texts -> texts.stream().map(parser).toList())
                .toList();
        double[][] scores = answers.stream()
                .map(row -> row.stream().mapToDouble(ParsedScore::valueOrNaN).toArray())
                .toArray(double[][]::new);
        double[][] rank = fidelity.rewards(scores, mos, datasetIds);
        List<List<ResponseReward>> out = new ArrayList<>(responses.size());
        for (int i = 0; i < scores.length; i++) {
            List<ResponseReward> row = new ArrayList<>(scores[i].length);
            for (int k = 0; k < scores[i].length; k++) {
                row.add(new ResponseReward(format.reward(responses.get(i).get(k)), rank[i][k],
                        answers.get(i).get(k)));
            }
            out.add(List.copyOf(row));
        }
        return List.copyOf(out);
    }

    /** The reward of every response of {@code groups}, against their truths' scores. */
    List<List<ResponseReward>> rewards(List<ResponseGroup> groups) {
        return rewards(groups.stream().map(ResponseGroup::responses).toList(),
                groups.stream().mapToDouble(group -> group.truth().normalisedMos()).toArray(),
                groups.stream().map(group -> group.truth().dataset()).toList());
    }
}
