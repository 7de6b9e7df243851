package visq.gpu.model;

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
        if (answerStart >= 0) {
            return rules.answerFits(text.substring(answerStart) + piece, left);
        }
        String candidate = text + piece;
        if (forcedFrom >= 0) {
            return rules.forcedAnswerFits(candidate.substring(forcedFrom), left);
        }
        int open = candidate.indexOf(AnswerGrammar.OPEN);
        return open < 0
                ? rules.forcedAnswerLength() + 1 <= left
                : rules.answerFits(candidate.substring(open + AnswerGrammar.OPEN.length()), left);
    }

    @Override
    public void accept(int token) {
        written++;
        if (token == eosId) {
            return;
        }
        text.append(tokenTexts[token]);
        if (answerStart < 0) {
            int open = text.indexOf(AnswerGrammar.OPEN, Math.max(forcedFrom, 0));
            if (open >= 0) {
                answerStart = open + AnswerGrammar.OPEN.length();
            } else {
                forceWhenNoRoomIsLeft();
            }
        }
    }

    /** Opens the answer here when one more token of reasoning would leave too little room for it. */
    private void forceWhenNoRoomIsLeft() {
        if (forcedFrom < 0 && rules.forcedAnswerLength() + 1 > maxNewTokens - written - 1) {
            forcedFrom = text.length();
        }
    }
}
