package visq.gpu.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import visq.gpu.model.SamplingSettings;

/**
 * Samples {@code count} continuations of one prompt: the prompt runs once, then every live row advances one token per
 * step; a row stops at eos or at {@code maxNewTokens}, and finished rows leave the batch (their cache rows are
 * dropped) so later steps only pay for live rows.
 *
 * <p>Deterministic for a seed: draws happen in row order, one sampler for the whole group.
 */
public final class SamplingLoop {

    private SamplingLoop() {}

    public static List<SampledSequence> run(
            DecodingSession session, int count, SamplingSettings settings, long seed, int eosId) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        TokenSampler sampler = new TokenSampler(settings, seed);
        int[][] tokens = new int[count][settings.maxNewTokens()];
        float[][] logProbs = new float[count][settings.maxNewTokens()];
        int[] lengths = new int[count];
        boolean[] finished = new boolean[count];

        float[] first = session.start(count);
        int vocabulary = first.length;
        float[] logits = first;
        boolean shared = true; // step 0: every row reads the same logits
        int[] live = identity(count); // live row r is sample live[r]

        for (int step = 0; step < settings.maxNewTokens(); step++) {
            int[] drawn = new int[live.length];
            int stillLive = 0;
            for (int r = 0; r < live.length; r++) {
                int sample = live[r];
                SampledToken token = sampler.sample(logits, shared ? 0 : r * vocabulary, vocabulary);
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
