package visq.actors.reward;

/** The reward of one rollout: its format part, its task part and their sum (method.md §2). */
public record RolloutReward(double format, double task, double total) {}
