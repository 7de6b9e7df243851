/**
 * Evaluation of a trained policy against human opinion (method.md §4): rank and linear correlations with MOS after
 * the 4-parameter logistic fit, degradation accuracies, the evaluation report in Markdown and JSON, and PNG charts.
 */
package visq.gpu.eval;
