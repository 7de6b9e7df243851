package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.training.GrpoStepResult;

/** The named factories of {@link StepStats} fill every field as the learner's two kinds of step did by hand. */
class StepStatsTest {

    @Test
    void aColdStartStepHasItsLossAndNoRewards() {
        assertEquals(new StepStats(3, TrainingPhase.COLD_START, 4, Double.NaN, Double.NaN, Double.NaN, 0.7,
                Double.NaN, Double.NaN, Double.NaN, 0, 1.5, 0), StepStats.coldStart(3, 4, 0.7, 1.5));
    }

    @Test
    void aGrpoStepTakesTheBatchStatisticsAndTheUpdate() {
        GrpoBatch batch = new GrpoBatch(List.of(), 2, 0.5, 0.75, 0.25, 0.125);
        GrpoStepResult update = new GrpoStepResult(0.01, 0.002, 0.1, 1.0, 0.3, 1);
        StepStats stats = StepStats.grpo(9, 10, batch, update, 2.5, 1);
        assertEquals(new StepStats(9, TrainingPhase.GRPO, 10, 0.5, 0.75, 0.25, 0.01, 0.002, 0.1, 0.125, 2, 2.5, 1),
                stats);
        assertEquals(new StepStats(9, TrainingPhase.GRPO, 10, 0.5, 0.75, 0.25, 0.01, 0.002, 0.1, 0.125, 2, 4.0, 1),
                stats.withSeconds(4.0));
    }
}
