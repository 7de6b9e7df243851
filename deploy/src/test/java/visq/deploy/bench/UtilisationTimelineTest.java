package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UtilisationTimelineTest {

    private static String exposition(double learner, double cpu0, double cpu1) {
        return "# TYPE visq_training_learner_step_seconds summary\n"
                + "visq_training_learner_step_seconds_count 4.0\n"
                + "visq_training_learner_step_seconds_sum " + learner + "\n"
                + "visq_rollout_part_seconds_count{worker=\"cpu#0\"} 3.0\n"
                + "visq_rollout_part_seconds_sum{worker=\"cpu#0\"} " + cpu0 + "\n"
                + "visq_rollout_part_seconds_sum{worker=\"cpu#1\"} " + cpu1 + "\n";
    }

    @Test
    void busySharesAreBusySecondsOverWallSecondsPerRole() {
        UtilisationTimeline timeline = new UtilisationTimeline();
        timeline.add(0, exposition(0, 0, 0));
        timeline.add(10, exposition(2.5, 6, 9));
        timeline.add(20, exposition(5, 14, 18));
        // by hand: learner 5 s of 20, worker cpu#0 14 of 20, cpu#1 18 of 20
        assertEquals(Map.of("learner", 0.25, "cpu#0", 0.7, "cpu#1", 0.9), timeline.overall());
    }

    @Test
    void aWorkerThatAppearsLaterCountsFromZeroAndOneSampleIsRefused() {
        UtilisationTimeline timeline = new UtilisationTimeline();
        timeline.add(0, "visq_training_learner_step_seconds_sum 1.0\n");
        assertThrows(IllegalStateException.class, timeline::overall);
        timeline.add(4, exposition(3, 2, 1));
        assertEquals(Map.of("learner", 0.5, "cpu#0", 0.5, "cpu#1", 0.25), timeline.overall());
    }

    @Test
    void labelsAreReadPerSample() {
        assertEquals(Map.of("cpu#0", 6.0, "cpu#1", 9.0),
                PrometheusScrape.byLabel(exposition(1, 6, 9), UtilisationTimeline.WORKER_METRIC, "worker"));
    }
}
