package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.generation.TokenConstraint;
import visq.gpu.tasks.QualityTask;

/** {@link AnswerConstraint} over the compact tokenizer, token by token. */
class AnswerConstraintTest {

    private final CompactTokenizer tokenizer = CompactTokenizer.instance();
    private final AnswerConstraints constraints = new AnswerConstraints(tokenizer);

    /** Feeds {@code text} as the tokenizer encodes it, checking that every token is allowed on the way. */
    private void write(TokenConstraint constraint, String text) {
        for (int token : tokenizer.encode(text)) {
            assertTrue(constraint.allows(token), () -> "token " + tokenizer.decode(new int[] {token}) + " of " + text);
            constraint.accept(token);
        }
    }

    private int token(String text) {
        int[] ids = tokenizer.encode(text);
        assertEquals(1, ids.length, text + " is one token");
        return ids[0];
    }

    @Test
    void reasoningIsFreeButCannotEndBeforeTheAnswer() {
        TokenConstraint constraint = constraints.forResponse(QualityTask.SCORE_NUMBER, 96);
        write(constraint, "<think>\nThe photo looks sharp, 4432 }{ ]</answer> whatever.\n</think>\n");
        assertFalse(constraint.allows(tokenizer.eosId()), "no end of sequence before an answer");
        assertFalse(constraint.allows(tokenizer.padId()), "a token that renders as nothing is never drawn");
        assertFalse(constraint.allows(tokenizer.bosId()));
    }

    @Test
    void theAnswerFollowsTheGrammarThenOnlyEndOfSequence() {
        TokenConstraint constraint = constraints.forResponse(QualityTask.SCORE_NUMBER, 96);
        write(constraint, "<think>\nThe overall quality is good.\n</think>\n<answer>\n4");
        assertFalse(constraint.allows(token("4")), "4432: a second digit before the point");
        assertFalse(constraint.allows(tokenizer.eosId()));
        assertFalse(constraint.allows(token("the")));
        assertTrue(constraint.allows(token(".")));
        write(constraint, ".43");
        assertFalse(constraint.allows(tokenizer.eosId()), "the block is not closed");
        write(constraint, "\n</answer>");
        List<Integer> allowed = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            if (constraint.allows(id)) {
                allowed.add(id);
            }
        }
        assertEquals(List.of(tokenizer.eosId()), allowed, "nothing but end of sequence after </answer>");
    }

    @Test
    void aTokenThatOpensTheAnswerIsJudgedByTheAnswerItStarts() {
        TokenConstraint constraint = constraints.forResponse(QualityTask.DEGRADATION, 96);
        write(constraint, "<think>\nThe image shows slight blur.\n</think>\n<answer");
        assertTrue(constraint.allows(token(">")));
        constraint.accept(token(">"));
        write(constraint, "\n{\"distortion_class\": \"");
        assertFalse(constraint.allows(token("serious")), "a severity where the class goes");
        write(constraint, "blur\", \"severity\": \"slight\"}\n</answer>");
        assertTrue(constraint.allows(tokenizer.eosId()));
    }

    @Test
    void anAnswerNotOpenedWhenOnlyItsRoomIsLeftIsOpenedThere() {
        int answer = constraints.forcedAnswerLength(QualityTask.SCORE);
        // <answer>{"rating":1}</answer>: the forced answer the search finds first (closing characters first)
        assertEquals("<answer>{\"rating\":1}</answer>".length(), answer);
        TokenConstraint constraint = constraints.forResponse(QualityTask.SCORE, 3 + answer + 1);
        write(constraint, "<think>\nThe image");
        assertEquals(3, tokenizer.encode("<think>\nThe image").length, "three free tokens");
        // 30 tokens left: the 29 characters of that answer, one token each, and end of sequence
        assertFalse(constraint.allows(token(" is")), "the reasoning may not go on");
        assertFalse(constraint.allows(token("\n</think>\n")), "no room for </think> before a 29-character answer");
        assertTrue(constraint.allows(token("<answer>\n")));
        write(constraint, "<answer>\n{\"rating\": 2.5}\n</answer>");
        assertTrue(constraint.allows(tokenizer.eosId()));
        // the same state again: a space would leave 29 tokens for 29 characters and end of sequence; "<" one less
        TokenConstraint tight = constraints.forResponse(QualityTask.SCORE, 3 + answer + 1);
        write(tight, "<think>\nThe image");
        assertFalse(tight.allows(token(" ")), "a space leaves no room for the answer");
        assertTrue(tight.allows(token("<")));
    }
}
