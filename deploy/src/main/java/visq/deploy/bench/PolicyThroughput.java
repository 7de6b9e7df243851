package visq.deploy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.PolicyModels;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.training.GrpoSample;
import visq.gpu.training.LearningRateSchedule;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.PolicyTrainer;

/**
 * Times one policy on this thread as a rollout worker and the learner use it: groups of G sampled responses to one
 * prompt (each group timed on its own), then GRPO steps of a {@link PolicyTrainer} (policy forward and backward,
 * reference forward, clip, AdamW) over the responses of the first {@link #LEARNER_GROUPS} groups, each step timed on
 * its own. Untimed warm-up groups ({@link #WARM_UP_GROUPS}, within {@link #WARM_UP_BUDGET}) and one untimed warm-up
 * step come first. Results are medians.
 */
final class PolicyThroughput {
    /** Groups whose responses make one learner batch (the learner's default 4 prompts per step). */
    static final int LEARNER_GROUPS = 4;

    /** The preset whose GRPO constants the learner steps use (β > 0, so a reference forward is part of a step). */
    static final MethodPreset PRESET = MethodPreset.compact();

    /**
     * Untimed groups before the timed ones. The JIT compiles the per-token Java path (DJL's array bookkeeping, the
     * sampler) over the first groups: the compact model's groups (G = 6, 96 tokens) took about 1.45× the CPU time of
     * later ones for the first 8 groups on the 2-core bench machine, so timing after one warm-up group measured the
     * compiler more than generation.
     */
    static final int WARM_UP_GROUPS = 12;

    /** No more warm-up than this: a large model's groups are bound by native compute, not by the JIT. */
    static final Duration WARM_UP_BUDGET = Duration.ofSeconds(3);

    private PolicyThroughput() {}

    /**
     * Medians of one measurement.
     *
     * @param rolloutsPerSecond median over groups of G / group seconds
     * @param tokensPerSecond median over groups of generated tokens (eos included) / group seconds
     * @param tokensPerCpuSecond median over groups of generated tokens / this thread's CPU seconds for the group
     *     (what other jobs on the machine barely move)
     * @param tokensPerRollout mean generated tokens per response over the timed groups
     * @param learnerMillis median milliseconds per GRPO step
     * @param learnerBatch the responses every learner step trained on ({@link #LEARNER_GROUPS} × G)
     * @param groups timed groups
     * @param steps timed learner steps
     */
    record Result(double rolloutsPerSecond, double tokensPerSecond, double tokensPerCpuSecond,
            double tokensPerRollout, double learnerMillis, List<GrpoSample> learnerBatch, int groups, int steps) {

        Result {
            learnerBatch = List.copyOf(learnerBatch);
        }
    }

    /**
     * Measures {@code groups} timed groups and {@code steps} timed learner steps of {@code model} on the CPU.
     *
     * @throws IllegalArgumentException when {@code groups} or {@code steps} is not positive
     */
    static Result measure(PolicyModelConfig model, PolicyPrompt prompt, int groupSize, SamplingSettings sampling,
            int groups, int steps) {
        if (groups <= 0 || steps <= 0) {
            throw new IllegalArgumentException("need at least one timed group and one timed learner step, got "
                    + groups + " groups and " + steps + " steps");
        }
        try (PolicyModel policy = PolicyModels.create(model, "cpu");
                PolicyTrainer trainer = new PolicyTrainer(PolicyModels.create(model, "cpu"),
                        Optional.of(PolicyModels.create(model, "cpu")), PRESET,
                        new LearningRateSchedule(1e-4, 0, 1000), 1000)) {
            long warmUpStarted = System.nanoTime();
            for (int warmUp = 0; warmUp < WARM_UP_GROUPS
                    && System.nanoTime() - warmUpStarted < WARM_UP_BUDGET.toNanos(); warmUp++) {
                policy.generate(prompt, groupSize, sampling, -warmUp); // seeds 0, -1, ...: never a timed group's
            }
            List<Double> rolloutRates = new ArrayList<>();
            List<Double> tokenRates = new ArrayList<>();
            List<Double> cpuTokenRates = new ArrayList<>();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long timedTokens = 0;
            List<GrpoSample> batch = new ArrayList<>();
            for (int group = 0; group < Math.max(groups, LEARNER_GROUPS); group++) {
                long cpuStarted = threads.getCurrentThreadCpuTime();
                long started = System.nanoTime();
                List<GeneratedResponse> responses = policy.generate(prompt, groupSize, sampling, group + 1);
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
                long tokens = 0;
                for (GeneratedResponse response : responses) {
                    tokens += response.length();
                    if (batch.size() < LEARNER_GROUPS * groupSize) {
                        batch.add(new GrpoSample(prompt, response.tokenIds(), response.logProbs(),
                                (batch.size() % 3) - 1.0));
                    }
                }
                if (group < groups) {
                    rolloutRates.add(responses.size() / seconds);
                    tokenRates.add(tokens / seconds);
                    cpuTokenRates.add(threads.isCurrentThreadCpuTimeSupported() ? tokens / cpuSeconds : Double.NaN);
                    timedTokens += tokens;
                }
            }
            trainer.grpoStep(batch); // warm-up
            List<Double> stepMillis = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                long started = System.nanoTime();
                trainer.grpoStep(batch);
                stepMillis.add((System.nanoTime() - started) / 1e6);
            }
            return new Result(Median.of(rolloutRates), Median.of(tokenRates), Median.of(cpuTokenRates),
                    (double) timedTokens / ((long) groups * groupSize), Median.of(stepMillis), batch, groups, steps);
        }
    }
}
