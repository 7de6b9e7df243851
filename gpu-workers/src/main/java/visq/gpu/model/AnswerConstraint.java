package visq.gpu.model;

import java.util.HashMap;
import java.util.Map;
import visq.gpu.generation.TokenConstraint;
import visq.gpu.tasks.AnswerGrammar;

/**
 * Constrained decoding of one response: the reasoning is free, but once the response opens {@code <answer>} every
 * token must keep what follows it a viable prefix of a well-formed answer ({@link AnswerGrammar}), end of sequence
 * comes only after a complete {@code </answer>}, and nothing comes after it. Every token must also leave room to
 * finish: a completion of the answer, written one character per token (every character is a token of the compact
 * and byte-level tokenizers), plus end of sequence must fit in the tokens left. A response whose reasoning would
 * leave no room for a short answer is made to open its answer there (an optional {@code </think>}, then
 * {@code <answer>}). Special tokens that render as nothing (padding, image placeholders) are never drawn.
 *
 * <p>Tokens are judged by their text ({@link AnswerConstraints}), so an answer split across tokens in any way, or a
 * token that opens the answer and starts it at once, is judged the same as the text it writes.
 */
final class AnswerConstraint implements TokenConstraint {

    private final AnswerConstraints.Rules rules;
    private final String[] tokenTexts;
    private final int eosId;
    private final int maxNewTokens;
    private final StringBuilder text = new StringBuilder();
    private int written;
    /** Index in {@code text} just after {@code <answer>}; -1 while the answer is not open. */
    private int answerStart = -1;
    /** Index in {@code text} where the answer was made to open; -1 while the reasoning is free. */
    private int forcedFrom = -1;
    /**
     * A completion of the answer written so far (null while the reasoning is free, or not known): a token that
     * starts it, with room left for the rest, needs no search, so the search runs only where the response leaves the
     * completion it last found or comes close to its token limit.
     */
    private String planned;
    /** The completion each token allowed at this step was found with (the one drawn becomes the plan). */
    private final Map<Integer, String> found = new HashMap<>();

    AnswerConstraint(AnswerConstraints.Rules rules, String[] tokenTexts, int eosId, int maxNewTokens) {
        this.rules = rules;
        this.tokenTexts = tokenTexts;
        this.eosId = eosId;
        this.maxNewTokens = maxNewTokens;
        forceWhenNoRoomIsLeft();
    }

    @Override
    public boolean allows(int token) {
        if (token == eosId) {
            return answerStart >= 0 && rules.grammar().isComplete(text.substring(answerStart));
        }
        String piece = tokenTexts[token];
        if (piece.isEmpty()) {
            return false;
        }
        int left = maxNewTokens - written - 1; // tokens after this one
        if (planned != null && planned.startsWith(piece) && planned.length() - piece.length() + 1 <= left) {
            return true; // else a shorter completion may still fit: search
        }
        String completion;
        if (answerStart >= 0) {
            completion = rules.answerCompletion(text.substring(answerStart) + piece, left);
        } else {
            String candidate = text + piece;
            if (forcedFrom >= 0) {
                completion = rules.forcedCompletion(candidate.substring(forcedFrom), left);
            } else {
                int open = candidate.indexOf(AnswerGrammar.OPEN);
                if (open < 0) {
                    return rules.forcedAnswerLength() + 1 <= left;
                }
                completion = rules.answerCompletion(candidate.substring(open + AnswerGrammar.OPEN.length()), left);
            }
        }
        if (completion != null) {
            found.put(token, completion);
        }
        return completion != null;
    }

    @Override
    public void accept(int token) {
        written++;
        if (token == eosId) {
            return;
        }
        String piece = tokenTexts[token];
        String completion = found.get(token);
        if (completion == null && planned != null && planned.startsWith(piece)) {
            completion = planned.substring(piece.length());
        }
        found.clear();
        text.append(piece);
        if (answerStart < 0) {
            int open = text.indexOf(AnswerGrammar.OPEN, Math.max(forcedFrom, 0));
            if (open >= 0) {
                answerStart = open + AnswerGrammar.OPEN.length();
            } else {
                forceWhenNoRoomIsLeft();
            }
        }
        // a completion of the forced text completes the answer region too once <answer> is written
        planned = answerStart >= 0 || forcedFrom >= 0 ? completion : null;
    }

    /** Opens the answer here when one more token of reasoning would leave too little room for it. */
    private void forceWhenNoRoomIsLeft() {
        if (forcedFrom < 0 && rules.forcedAnswerLength() + 1 > maxNewTokens - written - 1) {
            forcedFrom = text.length();
        }
    }
}
