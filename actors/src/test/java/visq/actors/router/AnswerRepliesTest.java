package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.CompareReply;
import visq.protocol.api.ScoreReply;

/** Score replies keep to the 1–5 scale the prompts ask for: a number outside it is an unparsed answer, not a score. */
class AnswerRepliesTest {
    private final AnswerReplies replies = new AnswerReplies();

    private static RolloutWorker.Answered answered(String answer) {
        return new RolloutWorker.Answered("img", "<think>\nfine\n</think>\n<answer>\n" + answer + "\n</answer>", 3,
                "worker", "compact");
    }

    @Test
    void scoresOnTheScaleAreServedIncludingItsEnds() {
        for (String rating : new String[] {"1", "3.45", "5.00"}) {
            ScoreReply reply = replies.score(QualityTask.SCORE, answered("{\"rating\": " + rating + "}"), 0);
            assertTrue(reply.getAnswerParsed(), rating);
            assertEquals(Double.parseDouble(rating), reply.getScore());
            ScoreReply number = replies.score(QualityTask.SCORE_NUMBER, answered(rating), 0);
            assertEquals(Double.parseDouble(rating), number.getScore());
        }
    }

    @Test
    void aScoreOffTheScaleIsAnUnparsedAnswerNamingWhy() {
        ScoreReply huge = replies.score(QualityTask.SCORE_NUMBER, answered("37500000000000000000"), 0);
        assertFalse(huge.getAnswerParsed());
        assertTrue(Double.isNaN(huge.getScore()));
        assertEquals("the score 3.75E19 is outside the scale 1 to 5 the prompt asks for", huge.getParseProblem());
        ScoreReply low = replies.score(QualityTask.SCORE, answered("{\"rating\": 0.99}"), 0);
        assertFalse(low.getAnswerParsed());
        assertEquals("the score 0.99 is outside the scale 1 to 5 the prompt asks for", low.getParseProblem());
        CompareReply compare = replies.compare(answered("{\"rating\": 7}"), answered("{\"rating\": 2}"), 0);
        assertTrue(Double.isNaN(compare.getScoreA()), "not compared as 7");
    }
}
