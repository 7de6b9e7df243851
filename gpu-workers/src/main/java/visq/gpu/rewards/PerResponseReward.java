package visq.gpu.rewards;

import java.util.List;

/** A task reward that rewards each response on its own, against the truth of its sample. */
public interface PerResponseReward extends TaskRewardFunction {

    /** The reward of {@code response}, one of the responses of {@code group}. */
    ResponseReward reward(String response, ResponseGroup group);

    @Override
    default List<List<ResponseReward>> rewards(List<ResponseGroup> groups) {
        return groups.stream()
                .map(group -> group.responses().stream().map(response -> reward(response, group)).toList())
                .toList();
    }
}
