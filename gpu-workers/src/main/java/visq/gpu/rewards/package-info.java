/** Parsing of policy answers and the per-response rewards of Q-Insight and VisualQuality-R1 (method.md §2). */
package visq.gpu.rewards;
