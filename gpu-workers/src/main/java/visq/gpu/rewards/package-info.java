/**
 * Parsing of policy answers and the rewards of Q-Insight and VisualQuality-R1 (method.md §2): one
 * {@code TaskRewardFunction} per task, looked up in a {@code TaskRewardRegistry}.
 */
package visq.gpu.rewards;
