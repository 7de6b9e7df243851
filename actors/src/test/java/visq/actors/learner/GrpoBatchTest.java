package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.TokenIds;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.ParsedAnswer;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;

class GrpoBatchTest {

    private static ScoredGroup scored(QualityTask task, ParsedAnswer... answers) {
        Rollout rollout = new Rollout("text", TokenIds.of(1), List.of(-1f), true);
        List<ResponseReward> rewards = List.of(answers).stream().map(a -> new ResponseReward(1, 0, a)).toList();
        return new ScoredGroup(new RolloutGroup(new PromptRef("s", task), 1,
                rewards.stream().map(r -> rollout).toList()), rewards);
    }

    @Test
    void scoreSpreadIsTheMeanStdOfTheScoresTheRewardsCarry() {
        ParsedAnswer unparsable = new ParsedScore.Unparsable("no number");
        List<ScoredGroup> groups = List.of(
                scored(QualityTask.SCORE, new ParsedScore.Score(3.0), new ParsedScore.Score(4.0), unparsable),
                scored(QualityTask.SCORE_NUMBER, new ParsedScore.Score(2.0), new ParsedScore.Score(2.0)),
                scored(QualityTask.SCORE_NUMBER, new ParsedScore.Score(5.0), unparsable),
                scored(QualityTask.DEGRADATION, new ParsedDegradation.Answer(Optional.empty(), Optional.empty()),
                        new ParsedDegradation.Unparsable("no block")));
        // closed form: unbiased std of {3, 4} = sqrt(0.5), of {2, 2} = 0; one parsed score and degradation answers
        // give no spread
        assertEquals(Math.sqrt(0.5) / 2, GrpoBatch.meanScoreSpread(groups), 1e-15);
    }

    @Test
    void noScoresNoSpread() {
        assertTrue(Double.isNaN(GrpoBatch.meanScoreSpread(List.of(scored(QualityTask.DEGRADATION,
                new ParsedDegradation.Unparsable("a"), new ParsedDegradation.Unparsable("b"))))));
    }
}
