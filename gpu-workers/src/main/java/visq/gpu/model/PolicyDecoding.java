package visq.gpu.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import visq.gpu.generation.DecodingSession;
import visq.gpu.generation.SampledSequence;
import visq.gpu.generation.SamplingLoop;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.generation.TokenConstraint;
import visq.gpu.tasks.PolicyPrompt;

/**
 * The generation side every policy family shares: a group of samples of one prompt, or one answer per prompt with
 * prompts of one layout decoded as rows of one batch. A family supplies only its {@link DecodingSession}s. With
 * {@link SamplingSettings#constrainedAnswers()} every row decodes under an {@link AnswerConstraint} for its prompt's
 * task. One instance serves one thread (its model's owner).
 */
public final class PolicyDecoding {

    /** Opens a decoding session over prompts that share a layout (one prompt for a group). */
    @FunctionalInterface
    public interface Sessions {
        DecodingSession open(List<PolicyPrompt> prompts);
    }

    private final Sessions sessions;
    private final TextTokenizer tokenizer;
    /** Built on the first constrained decoding (it decodes every token of the vocabulary once). */
    private AnswerConstraints answerConstraints;

    public PolicyDecoding(Sessions sessions, TextTokenizer tokenizer) {
        this.sessions = sessions;
        this.tokenizer = tokenizer;
    }

    /** {@code count} samples of {@code prompt}: one prefill, then the rows of the group advance together. */
    public List<GeneratedResponse> group(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        try (DecodingSession session = sessions.open(List.of(prompt))) {
            return toResponses(SamplingLoop.run(session, count, sampling, seed, tokenizer.eosId(),
                    constraints(Collections.nCopies(count, prompt), sampling)));
        }
    }

    /**
     * One answer per prompt, in order: prompts with the same {@code layout} key are decoded as rows of one batch,
     * each row with its own sampler seeded with {@code seed}, so answer i equals {@code group(prompt i, 1, ...)}.
     */
    public <K extends Comparable<K>> List<GeneratedResponse> perPrompt(
            List<PolicyPrompt> prompts, Function<PolicyPrompt, K> layout, SamplingSettings sampling, long seed) {
        GeneratedResponse[] out = new GeneratedResponse[prompts.size()];
        for (List<Integer> rows : LayoutBatches.group(prompts, layout)) {
            List<PolicyPrompt> batch = LayoutBatches.pick(prompts, rows);
            try (DecodingSession session = sessions.open(batch)) {
                List<GeneratedResponse> answers = toResponses(SamplingLoop.runPerPrompt(session, batch.size(),
                        sampling, seed, tokenizer.eosId(), constraints(batch, sampling)));
                for (int r = 0; r < rows.size(); r++) {
                    out[rows.get(r)] = answers.get(r);
                }
            }
        }
        return List.of(out);
    }

    /** One {@link AnswerConstraint} per row when {@code sampling} constrains answers, else none. */
    private TokenConstraint[] constraints(List<PolicyPrompt> rows, SamplingSettings sampling) {
        if (!sampling.constrainedAnswers()) {
            return null;
        }
        if (answerConstraints == null) {
            answerConstraints = new AnswerConstraints(tokenizer);
        }
        TokenConstraint[] out = new TokenConstraint[rows.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = answerConstraints.forResponse(rows.get(r).task(), sampling.maxNewTokens());
        }
        return out;
    }

    /** Sampled rows as responses: the text leaves out the final eos of a finished row. */
    public List<GeneratedResponse> toResponses(List<SampledSequence> sequences) {
        List<GeneratedResponse> out = new ArrayList<>(sequences.size());
        for (SampledSequence s : sequences) {
            int[] ids = s.tokenIds();
            int textLength = s.finished() ? ids.length - 1 : ids.length;
            String text = tokenizer.decode(Arrays.copyOf(ids, textLength));
            out.add(new GeneratedResponse(text, ids, s.logProbs(), s.finished()));
        }
        return out;
    }
}
