package visq.gpu.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples {@code count} continuations of one prompt ({@link #run}), or one continuation of each of several prompts
 * decoded together ({@link #runPerPrompt}): the prompt runs once, then every live row advances one token per
 * step; a row stops at eos or at {@code maxNewTokens}, and finished rows leave the batch (their cache rows are
 * dropped) so later steps only pay for live rows.
 *
 * <p>Deterministic for a seed: draws happen in row order, one sampler for the whole group.
 */
public final class SamplingLoop {

    private SamplingLoop() {}

    public static List<SampledSequence> run(
            DecodingSession session, int count, SamplingSettings settings, long seed, int eosId) {
        return run(session, count, settings, seed, eosId, null);
    }

    /**
     * {@link #run(DecodingSession, int, SamplingSettings, long, int)} with sample {@code s} drawing only what
     * {@code constraints[s]} allows ({@link TokenSampler#sample(float[], int, int, TokenConstraint)}); a null array or
     * entry leaves a sample unconstrained.
     */
    public static List<SampledSequence> run(DecodingSession session, int count, SamplingSettings settings, long seed,
            int eosId, TokenConstraint[] constraints) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        TokenSampler sampler = new TokenSampler(settings, seed);
        TokenSampler[] samplers = new TokenSampler[count];
        Arrays.fill(samplers, sampler);
        return decode(session, samplers, constraintsOf(constraints, count), eosId, true, settings);
    }

    /**
     * Continues {@code rows} different prompts, one continuation each, in one batch: the session's
     * {@link DecodingSession#start} returns one row of logits per prompt ({@code [rows, vocabulary]}). Every row
     * draws from its own sampler seeded with {@code seed}, so row {@code r} is exactly what
     * {@link #run run(session of prompt r, 1, settings, seed, eosId)} would draw from the same logits.
     */
    public static List<SampledSequence> runPerPrompt(
            DecodingSession session, int rows, SamplingSettings settings, long seed, int eosId) {
        return runPerPrompt(session, rows, settings, seed, eosId, null);
    }

    /** {@link #runPerPrompt(DecodingSession, int, SamplingSettings, long, int)} with row {@code r} drawing only what
     * {@code constraints[r]} allows (a null array or entry: unconstrained). */
    public static List<SampledSequence> runPerPrompt(DecodingSession session, int rows, SamplingSettings settings,
            long seed, int eosId, TokenConstraint[] constraints) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        TokenSampler[] samplers = new TokenSampler[rows];
        for (int r = 0; r < rows; r++) {
            samplers[r] = new TokenSampler(settings, seed);
        }
        return decode(session, samplers, constraintsOf(constraints, rows), eosId, false, settings);
    }

    private static TokenConstraint[] constraintsOf(TokenConstraint[] constraints, int count) {
        if (constraints == null) {
            return new TokenConstraint[count];
        }
        if (constraints.length != count) {
            throw new IllegalArgumentException(constraints.length + " constraints for " + count + " rows");
        }
        return constraints;
    }

    /** The loop: {@code samplers[s]} draws for sample {@code s} within {@code constraints[s]} (null: none);
     * {@code sharedStart} when step 0 has one row of logits for every sample. */
    private static List<SampledSequence> decode(DecodingSession session, TokenSampler[] samplers,
            TokenConstraint[] constraints, int eosId, boolean sharedStart, SamplingSettings settings) {
        int count = samplers.length;
        int[][] tokens = new int[count][settings.maxNewTokens()];
        float[][] logProbs = new float[count][settings.maxNewTokens()];
        int[] lengths = new int[count];
        boolean[] finished = new boolean[count];

        float[] first = session.start(count);
        int vocabulary = sharedStart ? first.length : first.length / count;
        float[] logits = first;
        boolean shared = sharedStart; // step 0 of a group: every row reads the same logits
        int[] live = identity(count); // live row r is sample live[r]

        for (int step = 0; step < settings.maxNewTokens(); step++) {
            int[] drawn = new int[live.length];
            int stillLive = 0;
            for (int r = 0; r < live.length; r++) {
                int sample = live[r];
                TokenConstraint constraint = constraints[sample];
                SampledToken token = samplers[sample].sample(logits, shared ? 0 : r * vocabulary, vocabulary,
                        constraint);
                if (constraint != null) {
                    constraint.accept(token.tokenId());
                }
                drawn[r] = token.tokenId();
                tokens[sample][lengths[sample]] = token.tokenId();
                logProbs[sample][lengths[sample]] = token.logProb();
                lengths[sample]++;
                if (token.tokenId() == eosId) {
                    finished[sample] = true;
                } else {
                    stillLive++;
                }
            }
            if (stillLive == 0 || step == settings.maxNewTokens() - 1) {
                break;
            }
            if (stillLive < live.length) {
                int[] keepRows = new int[stillLive];
                int[] keepSamples = new int[stillLive];
                int[] keepTokens = new int[stillLive];
                int k = 0;
                for (int r = 0; r < live.length; r++) {
                    if (!finished[live[r]]) {
                        keepRows[k] = r;
                        keepSamples[k] = live[r];
                        keepTokens[k] = drawn[r];
                        k++;
                    }
                }
                session.retainRows(keepRows);
                live = keepSamples;
                drawn = keepTokens;
            }
            logits = session.advance(drawn);
            shared = false;
        }

        List<SampledSequence> out = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            out.add(new SampledSequence(
                    Arrays.copyOf(tokens[s], lengths[s]), Arrays.copyOf(logProbs[s], lengths[s]), finished[s]));
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
