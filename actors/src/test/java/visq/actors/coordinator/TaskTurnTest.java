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
    void eachPositionGoesToTheTaskWithTheMostStepsLeftNotTakenJustBefore() {
        // shares 3, 1, 2, worked by hand: left (3,1,2) -> degradation; (2,1,2) without degradation -> score-number;
        // (2,1,1) -> degradation; (1,1,1) without degradation -> score; (1,0,1) without score -> degradation;
        // (0,0,1) -> score-number
        Map<QualityTask, Integer> shares = new EnumMap<>(QualityTask.class);
        shares.put(DEGRADATION, 3);
        shares.put(SCORE_NUMBER, 2);
        TaskTurn turn = TaskTurn.of(List.of(DEGRADATION, SCORE, SCORE_NUMBER), shares);
        assertEquals(List.of(DEGRADATION, SCORE_NUMBER, DEGRADATION, SCORE, DEGRADATION, SCORE_NUMBER), turn.order());
        long[] steps = new long[QualityTask.values().length];
        for (long step = 1; step <= 600; step++) {
            steps[turn.taskOf(step).ordinal()]++;
        }
        assertEquals(300, steps[DEGRADATION.ordinal()]); // 600 steps = 100 turns of 3 + 1 + 2
        assertEquals(100, steps[SCORE.ordinal()]);
        assertEquals(200, steps[SCORE_NUMBER.ordinal()]);
    }

    @Test
    void aTaskTakesStepsInARowOnlyWhenNoOtherIsLeft() {
        // shares 3, 1: degradation, score, then degradation twice (score has none left)
        assertEquals(List.of(DEGRADATION, SCORE, DEGRADATION, DEGRADATION),
                TaskTurn.of(List.of(DEGRADATION, SCORE), Map.of(DEGRADATION, 3)).order());
        // shares 1, 2 over [degradation, score]: score has more left, so it leads
        assertEquals(List.of(SCORE, DEGRADATION, SCORE),
                TaskTurn.of(List.of(DEGRADATION, SCORE), Map.of(SCORE, 2)).order());
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
