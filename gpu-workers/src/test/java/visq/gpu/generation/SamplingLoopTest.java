package visq.gpu.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingLoopTest {

    private static final int VOCABULARY = 5;
    private static final int EOS = 2;

    /**
     * A scripted model: row r of the group (by its original sample index) emits token 3 until its step reaches
     * {@code stopAfter[sample]}, then eos.
     */
    private static final class ScriptedSession implements DecodingSession {
        final int[] stopAfter;
        final List<int[]> retained = new ArrayList<>();
        int[] live;
        int step;
        boolean closed;

        ScriptedSession(int... stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public float[] start(int rows) {
            live = new int[rows];
            for (int r = 0; r < rows; r++) {
                live[r] = r;
            }
            step = 0;
            // every row sees the same first logits: token 3 unless sample 0 stops at once
            return row(stopAfter[0] == 0);
        }

        @Override
        public float[] advance(int[] tokens) {
            assertEquals(live.length, tokens.length);
            step++;
            float[] logits = new float[live.length * VOCABULARY];
            for (int r = 0; r < live.length; r++) {
                System.arraycopy(row(step >= stopAfter[live[r]]), 0, logits, r * VOCABULARY, VOCABULARY);
            }
            return logits;
        }

        @Override
        public void retainRows(int[] rows) {
            retained.add(rows.clone());
            int[] kept = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                kept[i] = live[rows[i]];
            }
            live = kept;
        }

        @Override
        public void close() {
            closed = true;
        }

        private static float[] row(boolean stop) {
            float[] logits = new float[VOCABULARY];
            logits[stop ? EOS : 3] = 20f;
            return logits;
        }
    }

    @Test
    void rowsStopAtEosOrAtTheLimitAndFinishedRowsLeaveTheBatch() {
        ScriptedSession session = new ScriptedSession(1, 3, 100);
        List<SampledSequence> out = SamplingLoop.run(session, 3, SamplingSettings.greedy(6), 0, EOS);
        assertArrayEquals(new int[] {3, EOS}, out.get(0).tokenIds());
        assertTrue(out.get(0).finished());
        assertArrayEquals(new int[] {3, 3, 3, EOS}, out.get(1).tokenIds());
        assertTrue(out.get(1).finished());
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3}, out.get(2).tokenIds());
        assertFalse(out.get(2).finished());
        assertEquals(2, session.retained.size());
        assertArrayEquals(new int[] {1, 2}, session.retained.get(0));
        assertArrayEquals(new int[] {1}, session.retained.get(1));
        for (SampledSequence s : out) {
            assertEquals(s.tokenIds().length, s.logProbs().length);
        }
    }

    @Test
    void allRowsFinishingEndsTheLoopEarly() {
        ScriptedSession session = new ScriptedSession(0, 0);
        List<SampledSequence> out = SamplingLoop.run(session, 2, SamplingSettings.greedy(50), 0, EOS);
        assertArrayEquals(new int[] {EOS}, out.get(0).tokenIds());
        assertArrayEquals(new int[] {EOS}, out.get(1).tokenIds());
        assertEquals(0, session.step);
    }
}
