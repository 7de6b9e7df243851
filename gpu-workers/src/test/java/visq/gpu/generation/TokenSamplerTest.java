package visq.gpu.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import visq.gpu.training.SamplingConstants;

class TokenSamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, -1.0f, 0.0f, 2.9f};

    @Test
    void greedyTakesTheArgmaxWithItsTemperatureLogProb() {
        TokenSampler sampler = new TokenSampler(new SamplingSettings(0.5, 0, 1.0, 10, true), 1);
        SampledToken token = sampler.sample(LOGITS);
        assertEquals(1, token.tokenId());
        double[] expected = TokenSampler.logSoftmax(LOGITS, 0, LOGITS.length, 0.5);
        assertEquals(expected[1], token.logProb(), 1e-6);
        assertEquals(0, TokenSampler.argmax(new float[] {2f, 2f, 1f}, 0, 3), "ties go to the lower id");
    }

    @Test
    void topKOneIsGreedy() {
        TokenSampler topOne = new TokenSampler(SamplingSettings.sampling(1.3, 1, 1.0, 10), 99);
        TokenSampler greedy = new TokenSampler(new SamplingSettings(1.3, 0, 1.0, 10, true), 5);
        for (int i = 0; i < 50; i++) {
            float[] logits = randomLogits(i);
            assertEquals(greedy.sample(logits), topOne.sample(logits));
        }
    }

    @Test
    void tinyTopPIsGreedy() {
        TokenSampler nucleus = new TokenSampler(SamplingSettings.sampling(1.0, 0, 1e-6, 10), 3);
        for (int i = 0; i < 50; i++) {
            assertEquals(1, nucleus.sample(LOGITS).tokenId());
        }
    }

    @Test
    void topKAndTopPRestrictTheSupport() {
        TokenSampler topTwo = new TokenSampler(SamplingSettings.sampling(1.0, 2, 1.0, 10), 11);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(topTwo.sample(LOGITS).tokenId());
        }
        assertEquals(Set.of(1, 5), seen);
        // probabilities at T=1: 3.0 -> 0.37, 2.9 -> 0.34, 2.5 -> 0.23, ...: top-p 0.6 keeps ids 1 and 5
        TokenSampler nucleus = new TokenSampler(SamplingSettings.sampling(1.0, 0, 0.6, 10), 12);
        seen.clear();
        for (int i = 0; i < 500; i++) {
            seen.add(nucleus.sample(LOGITS).tokenId());
        }
        assertEquals(Set.of(1, 5), seen);
    }

    @Test
    void frequenciesFollowTheTemperatureScaledDistribution() {
        for (double temperature : new double[] {0.5, 1.0, 2.0}) {
            TokenSampler sampler = new TokenSampler(SamplingSettings.sampling(temperature, 0, 1.0, 10), 21);
            int draws = 40_000;
            int[] counts = new int[LOGITS.length];
            for (int i = 0; i < draws; i++) {
                SampledToken token = sampler.sample(LOGITS);
                counts[token.tokenId()]++;
            }
            double[] logProbs = TokenSampler.logSoftmax(LOGITS, 0, LOGITS.length, temperature);
            for (int id = 0; id < LOGITS.length; id++) {
                double p = Math.exp(logProbs[id]);
                double tolerance = 4 * Math.sqrt(p * (1 - p) / draws) + 1e-3;
                assertEquals(p, counts[id] / (double) draws, tolerance, "T=" + temperature + " id " + id);
            }
        }
    }

    /** Allows only the ids given. */
    private static TokenConstraint only(Integer... ids) {
        Set<Integer> allowed = Set.of(ids);
        return new TokenConstraint() {
            @Override
            public boolean allows(int token) {
                return allowed.contains(token);
            }

            @Override
            public void accept(int token) {}
        };
    }

    @Test
    void constrainedGreedyTakesTheMostLikelyAllowedToken() {
        TokenSampler greedy = new TokenSampler(SamplingSettings.greedy(10), 1);
        // LOGITS by decreasing logit: ids 1 (3.0), 5 (2.9), 2 (2.5), 0, 4, 3
        assertEquals(1, greedy.sample(LOGITS, 0, LOGITS.length, only(0, 1, 2)).tokenId(), "the argmax when allowed");
        assertEquals(2, greedy.sample(LOGITS, 0, LOGITS.length, only(0, 2, 3)).tokenId());
        SampledToken last = greedy.sample(LOGITS, 0, LOGITS.length, only(3));
        assertEquals(3, last.tokenId());
        assertEquals(TokenSampler.logSoftmax(LOGITS, 0, LOGITS.length, 1.0)[3], last.logProb(), 1e-6,
                "the model's own log-probability, not the constrained one");
        assertEquals(1, greedy.sample(LOGITS, 0, LOGITS.length, only()).tokenId(), "nothing allowed: unconstrained");
        assertEquals(greedy.sample(LOGITS), greedy.sample(LOGITS, 0, LOGITS.length, null), "no constraint");
    }

    @Test
    void constrainedSamplingDrawsAllowedTokensInProportion() {
        // T = 1, no truncation, ids 0, 2 and 4 allowed: p(i) = exp(logit_i) / (e^1 + e^2.5 + e^0) by hand
        TokenSampler sampler = new TokenSampler(SamplingSettings.sampling(1.0, 0, 1.0, 10), 31);
        int draws = 40_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS, 0, LOGITS.length, only(0, 2, 4)).tokenId()]++;
        }
        double norm = Math.exp(1.0) + Math.exp(2.5) + Math.exp(0.0);
        for (int id : new int[] {0, 2, 4}) {
            double p = Math.exp(LOGITS[id]) / norm;
            assertEquals(p, counts[id] / (double) draws, 4 * Math.sqrt(p * (1 - p) / draws) + 1e-3, "id " + id);
        }
        assertEquals(0, counts[1] + counts[3] + counts[5]);
        // top-k 2 keeps ids 1 and 5; only 5 of them allowed: always 5. Neither allowed: the most likely allowed, 2.
        TokenSampler topTwo = new TokenSampler(SamplingSettings.sampling(1.0, 2, 1.0, 10), 5);
        for (int i = 0; i < 200; i++) {
            assertEquals(5, topTwo.sample(LOGITS, 0, LOGITS.length, only(5, 2)).tokenId());
            assertEquals(2, topTwo.sample(LOGITS, 0, LOGITS.length, only(2, 3)).tokenId());
        }
    }

    @Test
    void logProbIsBeforeTruncation() {
        TokenSampler topTwo = new TokenSampler(SamplingSettings.sampling(0.8, 2, 0.9, 10), 4);
        double[] full = TokenSampler.logSoftmax(LOGITS, 0, LOGITS.length, 0.8);
        for (int i = 0; i < 20; i++) {
            SampledToken token = topTwo.sample(LOGITS);
            assertEquals(full[token.tokenId()], token.logProb(), 1e-6);
        }
    }

    @Test
    void sameSeedSameDraws() {
        TokenSampler a = new TokenSampler(SamplingConstants.papers().forRollouts(10), 42);
        TokenSampler b = new TokenSampler(SamplingConstants.papers().forRollouts(10), 42);
        TokenSampler c = new TokenSampler(SamplingConstants.papers().forRollouts(10), 43);
        StringBuilder fromA = new StringBuilder();
        StringBuilder fromB = new StringBuilder();
        StringBuilder fromC = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            float[] logits = randomLogits(i);
            fromA.append(a.sample(logits).tokenId()).append(',');
            fromB.append(b.sample(logits).tokenId()).append(',');
            fromC.append(c.sample(logits).tokenId()).append(',');
        }
        assertEquals(fromA.toString(), fromB.toString());
        assertNotEquals(fromA.toString(), fromC.toString());
    }

    @Test
    void samplesARowOfAFlatArray() {
        float[] flat = new float[12];
        flat[6 + 4] = 10f;
        TokenSampler greedy = new TokenSampler(SamplingSettings.greedy(5), 0);
        assertEquals(4, greedy.sample(flat, 6, 6).tokenId());
        assertTrue(greedy.sample(flat, 6, 6).logProb() > -0.01f);
    }

    @Test
    void topKOrderIsTheFullOrdersPrefixWithTiesAndSignedValues() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        TopKSelection order = new TopKSelection(); // one instance throughout: its working arrays are reused
        for (int trial = 0; trial < 200; trial++) {
            int vocabulary = 1 + random.nextInt(300);
            float[] row = new float[vocabulary + 3];
            for (int i = 0; i < row.length; i++) {
                // few distinct values: many ties; both signs and both zeros
                row[i] = random.nextInt(9) == 0 ? -0.0f : (random.nextInt(21) - 10) / 4f;
            }
            int[] full = order.descendingOrder(row, 3, vocabulary, vocabulary);
            for (int k : new int[] {1, 2, 7, 50, vocabulary - 1, vocabulary + 5}) {
                if (k < 1) {
                    continue;
                }
                int[] prefix = order.descendingOrder(row, 3, vocabulary, k);
                assertEquals(Math.min(k, vocabulary), prefix.length);
                for (int i = 0; i < prefix.length; i++) {
                    assertEquals(full[i], prefix[i], "k " + k + " position " + i);
                }
            }
            for (int i = 1; i < vocabulary; i++) {
                float before = row[3 + full[i - 1]];
                float after = row[3 + full[i]];
                assertTrue(before > after || (before == after && Float.compare(before, after) >= 0
                        && (Float.compare(before, after) > 0 || full[i - 1] < full[i])), "order at " + i);
            }
        }
    }

    @Test
    void topKOrderIsTheFullOrdersPrefixForSpreadOutLogits() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        TopKSelection order = new TopKSelection();
        for (int trial = 0; trial < 50; trial++) {
            int vocabulary = 1092;
            float[] row = new float[vocabulary];
            double spread = Math.pow(10, random.nextInt(-3, 3));
            for (int i = 0; i < vocabulary; i++) {
                // model-like logits at several scales, a few extremes and repeated values
                double normal = Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                        * Math.cos(2 * Math.PI * random.nextDouble());
                row[i] = (float) (normal * spread);
            }
            row[random.nextInt(vocabulary)] = Float.POSITIVE_INFINITY;
            row[random.nextInt(vocabulary)] = Float.NEGATIVE_INFINITY;
            row[random.nextInt(vocabulary)] = row[random.nextInt(vocabulary)];
            int[] full = order.descendingOrder(row, 0, vocabulary, vocabulary);
            for (int k : new int[] {1, 50, 51, 400, vocabulary - 1}) {
                int[] prefix = order.descendingOrder(row, 0, vocabulary, k);
                assertArrayEquals(java.util.Arrays.copyOf(full, k), prefix, "k " + k);
            }
        }
    }

    private static float[] randomLogits(long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] logits = new float[64];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 2);
        }
        return logits;
    }
}
