package visq.gpu.rewards;

/** The reward of one response: its format part, its task part and their sum. */
public record RewardBreakdown(double format, double task, double total) {

    public static RewardBreakdown of(double format, double task) {
        return new RewardBreakdown(format, task, format + task);
    }
}
