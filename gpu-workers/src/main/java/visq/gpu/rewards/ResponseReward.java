package visq.gpu.rewards;

/**
 * The reward of one response (method.md §2): its format part, its task part, and the answer read from the response
 * while rewarding it, so that nothing downstream parses the response a second time.
 */
public record ResponseReward(double format, double task, ParsedAnswer answer) {

    /** format + task. */
    public double total() {
        return format + task;
    }
}
