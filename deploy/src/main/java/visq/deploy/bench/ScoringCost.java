package visq.deploy.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.InvalidImageException;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.PolicyModels;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * Where the time of one scoring request goes, each part timed alone on this thread (medians): decoding the encoded
 * image, preparing it (the model's views, with the image statistics when the model uses them), the statistics
 * alone, and the model answering the score prompt alone and in a batch of {@code batch} (prefill and greedy
 * generation, as a worker answers the router). With these, the ceilings: at batch 1 the one worker thread answers
 * one request at a time; with micro-batches every core shares preparation and the model's per-request share.
 *
 * @param decodeMillis decoding the encoded image
 * @param prepareMillis the model's preparation of the decoded image (views and statistics)
 * @param statisticsMillis {@link ImageStatistics} alone
 * @param answerMillis the model answering one request alone
 * @param unconstrainedAnswerMillis the same without the answer constraint (the same as answerMillis when the serving
 *     decoding has none)
 * @param batchMillis the model answering {@code batch} requests in one call
 * @param batch requests in the batched call
 * @param tokensPerAnswer generated tokens per answer (eos included)
 */
record ScoringCost(double decodeMillis, double prepareMillis, double statisticsMillis, double answerMillis,
        double unconstrainedAnswerMillis, double batchMillis, int batch, double tokensPerAnswer) {

    /** Times each part {@code repetitions} times (after one untimed warm-up) for {@code encoded}. */
    static ScoringCost measure(PolicyModelConfig model, SamplingSettings sampling, byte[] encoded, int batch,
            int repetitions) throws InvalidImageException {
        BufferedImage decoded = ImageDecoder.decode(encoded, ImageLimits.defaults());
        double decode = medianMillis(repetitions, () -> {
            try {
                return ImageDecoder.decode(encoded, ImageLimits.defaults());
            } catch (InvalidImageException e) {
                throw new IllegalStateException("the bench image stopped decoding", e);
            }
        });
        double prepare = medianMillis(repetitions, () -> model.imagePreparation().preprocess(decoded));
        double statistics = medianMillis(repetitions, () -> ImageStatistics.of(decoded));
        ImageTensor image = model.imagePreparation().preprocess(decoded);
        PolicyPrompt prompt = PromptCatalogue.prompt(QualityTask.SCORE, List.of(image));
        try (PolicyModel policy = PolicyModels.create(model, "cpu")) {
            double answer = medianMillis(repetitions, () -> policy.answerAll(List.of(prompt), sampling, 0));
            SamplingSettings unconstrained = sampling.withConstrainedAnswers(false);
            double unconstrainedAnswer = sampling.constrainedAnswers()
                    ? medianMillis(repetitions, () -> policy.answerAll(List.of(prompt), unconstrained, 0)) : answer;
            List<GeneratedResponse> responses = policy.answerAll(Collections.nCopies(batch, prompt), sampling, 0);
            double batched = medianMillis(repetitions,
                    () -> policy.answerAll(Collections.nCopies(batch, prompt), sampling, 0));
            double tokens = responses.stream().mapToInt(GeneratedResponse::length).average().orElse(0);
            return new ScoringCost(decode, prepare, statistics, answer, unconstrainedAnswer, batched, batch, tokens);
        }
    }

    /** Preparation of one request, decoding included. */
    double preparationMillis() {
        return decodeMillis + prepareMillis;
    }

    /** Requests/s the one worker thread allows at batch 1, or all cores when preparation is the larger share. */
    double batchOneCeiling(int cores) {
        return Math.min(1000 / answerMillis, cores * 1000 / (preparationMillis() + answerMillis));
    }

    /** Requests/s the cores allow with full micro-batches: each request's preparation and share of a batch. */
    double microBatchCeiling(int cores) {
        return Math.min(batch * 1000 / batchMillis, cores * 1000 / (preparationMillis() + batchMillis / batch));
    }

    /** Micro-batching's gain over batch 1 that these parts allow on {@code cores} cores. */
    double gainCeiling(int cores) {
        return microBatchCeiling(cores) / batchOneCeiling(cores);
    }

    /**
     * The fewest cores (up to {@code maxCores}) on which these parts allow micro-batching {@code gain} times the
     * requests/s of batch 1, or empty when none does: batch 1 is bound by the one worker thread answering one
     * request at a time once there are enough cores for preparation.
     */
    OptionalInt coresForGain(double gain, int maxCores) {
        for (int cores = 1; cores <= maxCores; cores++) {
            if (gainCeiling(cores) >= gain) {
                return OptionalInt.of(cores);
            }
        }
        return OptionalInt.empty();
    }

    private static double medianMillis(int repetitions, Supplier<?> work) {
        work.get();
        List<Double> millis = new ArrayList<>();
        for (int r = 0; r < repetitions; r++) {
            long started = System.nanoTime();
            work.get();
            millis.add((System.nanoTime() - started) / 1e6);
        }
        return Median.of(millis);
    }
}
