package visq.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenIdsTest {

    @Test
    void equalByContentAndNeverChangedThroughTheArraysItWasMadeFromOrGaveOut() {
        int[] source = {7, 8, 9};
        TokenIds ids = TokenIds.of(source);
        source[0] = 0;
        ids.toArray()[1] = 0;
        assertArrayEquals(new int[] {7, 8, 9}, ids.toArray());
        assertEquals(TokenIds.of(7, 8, 9), ids);
        assertEquals(TokenIds.of(7, 8, 9).hashCode(), ids.hashCode());
        assertNotEquals(TokenIds.of(7, 8), ids);
        assertEquals(3, ids.size());
        assertEquals(9, ids.get(2));
        assertEquals("[7, 8, 9]", ids.toString());
    }

    @Test
    void aRolloutNeedsOneLogProbabilityPerToken() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Rollout("x", TokenIds.of(1, 2), List.of(-1f), true));
        assertEquals("rollout has 2 tokens but 1 log-probs", refused.getMessage());
    }
}
