package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static visq.gpu.tasks.QualityTask.DEGRADATION;
import static visq.gpu.tasks.QualityTask.SCORE;
import static visq.gpu.tasks.QualityTask.SCORE_NUMBER;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.tasks.QualityTask;

/** {@link TaskTurn}: turns built from tasks and shares (expected orders worked by hand from the round rule). */
class TaskTurnTest {

    @Test
    void withoutSharesTheTurnIsTheTasksInTheirOrder() {
        TaskTurn turn = TaskTurn.of(List.of(SCORE, DEGRADATION), Map.of());
        assertEquals(List.of(SCORE, DEGRADATION), turn.order());
        assertEquals(SCORE, turn.taskOf(1));
        assertEquals(DEGRADATION, turn.taskOf(2));
        assertEquals(SCORE, turn.taskOf(3001));
    }

    @Test
    void eachRoundTakesTheTasksWhoseShareIsNotSpentYet() {
        // shares 3, 1, 2: round 0 takes all three, round 1 degradation and score-number, round 2 degradation
        Map<QualityTask, Integer> shares = new EnumMap<>(QualityTask.class);
        shares.put(DEGRADATION, 3);
        shares.put(SCORE_NUMBER, 2);
        TaskTurn turn = TaskTurn.of(List.of(DEGRADATION, SCORE, SCORE_NUMBER), shares);
        assertEquals(List.of(DEGRADATION, SCORE, SCORE_NUMBER, DEGRADATION, SCORE_NUMBER, DEGRADATION), turn.order());
        long[] steps = new long[QualityTask.values().length];
        for (long step = 1; step <= 600; step++) {
            steps[turn.taskOf(step).ordinal()]++;
        }
        assertEquals(300, steps[DEGRADATION.ordinal()]); // 600 steps = 100 turns of 3 + 1 + 2
        assertEquals(100, steps[SCORE.ordinal()]);
        assertEquals(200, steps[SCORE_NUMBER.ordinal()]);
    }

    @Test
    void aShareOfATaskNotTrainedTakesNoSteps() {
        assertEquals(List.of(SCORE), TaskTurn.of(List.of(SCORE), Map.of(DEGRADATION, 2)).order());
    }

    @Test
    void stepsCountFromOneAndASharePositive() {
        TaskTurn turn = TaskTurn.of(List.of(SCORE), Map.of());
        assertThrows(IllegalArgumentException.class, () -> turn.taskOf(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskTurn.of(List.of(SCORE), Map.of(SCORE, 0)));
        assertTrue(e.getMessage().contains("score has share 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TaskTurn(List.of()));
    }
}
