package visq.gpu.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;
import visq.gpu.generation.TokenConstraint;
import visq.gpu.tasks.AnswerGrammar;
import visq.gpu.tasks.QualityTask;

/**
 * Builds {@link AnswerConstraint}s for one tokenizer: the text of every token (decoded once) and, per task, its
 * {@link AnswerGrammar} and the pattern of an answer opened by force. Thread-safe once built.
 */
final class AnswerConstraints {

    /** An answer opened by force may start with whitespace and {@code </think>} before {@code <answer>}. */
    private static final String FORCED_OPENING =
            "[ \\n]{0,2}(?:</think>[ \\n]{0,2})?" + Pattern.quote(AnswerGrammar.OPEN);
    /** How many prefixes one completion search may try before it gives up (and the token is refused). */
    private static final int SEARCH_LIMIT = 20_000;
    /** The longest answer opened by force searched for when a task's rules are built. */
    private static final int FORCED_SEARCH_DEPTH = 200;

    /** One task's grammar, the pattern of an answer opened by force and the length of one such answer. */
    static final class Rules {
        private final AnswerGrammar grammar;
        private final Pattern forced;
        private final String alphabet;
        private final int forcedAnswerLength;

        Rules(AnswerGrammar grammar) {
            this.grammar = grammar;
            this.forced = Pattern.compile(FORCED_OPENING + grammar.region().pattern());
            this.alphabet = grammar.alphabet();
            this.forcedAnswerLength = completion(forced, "", FORCED_SEARCH_DEPTH, new int[] {SEARCH_LIMIT});
            if (forcedAnswerLength < 0) {
                throw new IllegalStateException("no answer of task " + grammar.task().id() + " within "
                        + FORCED_SEARCH_DEPTH + " characters of " + alphabet);
            }
        }

        AnswerGrammar grammar() {
            return grammar;
        }

        /**
         * Characters of an answer opened by force, {@code <answer>} to {@code </answer>}: the first the search finds
         * (its alphabet puts closing characters first, so it is short), an upper bound of the shortest.
         */
        int forcedAnswerLength() {
            return forcedAnswerLength;
        }

        /** Whether {@code region} (after {@code <answer>}) can still be completed, with end of sequence, in
         * {@code tokens} tokens. */
        boolean answerFits(String region, int tokens) {
            return fits(grammar.region(), region, tokens);
        }

        /** As {@link #answerFits} for the text since the answer was made to open. */
        boolean forcedAnswerFits(String sinceForced, int tokens) {
            return fits(forced, sinceForced, tokens);
        }

        private boolean fits(Pattern pattern, String text, int tokens) {
            return AnswerGrammar.isViablePrefix(pattern, text) && tokens >= 1
                    && completion(pattern, text, tokens - 1, new int[] {SEARCH_LIMIT}) >= 0;
        }

        /**
         * The length of a completion of {@code text} to a full match of {@code pattern} of at most {@code budget}
         * characters from the grammar's alphabet (depth first), or -1 when none is found within the search limit.
         */
        private int completion(Pattern pattern, String text, int budget, int[] searchesLeft) {
            if (pattern.matcher(text).matches()) {
                return 0;
            }
            if (budget == 0) {
                return -1;
            }
            for (int i = 0; i < alphabet.length(); i++) {
                if (--searchesLeft[0] < 0) {
                    return -1;
                }
                String longer = text + alphabet.charAt(i);
                if (AnswerGrammar.isViablePrefix(pattern, longer)) {
                    int rest = completion(pattern, longer, budget - 1, searchesLeft);
                    if (rest >= 0) {
                        return rest + 1;
                    }
                }
            }
            return -1;
        }
    }

    private final String[] tokenTexts;
    private final int eosId;
    private final Map<QualityTask, Rules> rules = new EnumMap<>(QualityTask.class);

    AnswerConstraints(TextTokenizer tokenizer) {
        this.eosId = tokenizer.eosId();
        this.tokenTexts = new String[tokenizer.vocabularySize()];
        for (int id = 0; id < tokenTexts.length; id++) {
            tokenTexts[id] = tokenizer.decode(new int[] {id});
        }
        for (QualityTask task : QualityTask.values()) {
            rules.put(task, new Rules(AnswerGrammar.of(task)));
        }
    }

    /** A fresh constraint for one response to a prompt of {@code task} with at most {@code maxNewTokens} tokens. */
    TokenConstraint forResponse(QualityTask task, int maxNewTokens) {
        return new AnswerConstraint(rules.get(task), tokenTexts, eosId, maxNewTokens);
    }

    /** Characters of {@code task}'s answer opened by force ({@link Rules#forcedAnswerLength()}). */
    int forcedAnswerLength(QualityTask task) {
        return rules.get(task).forcedAnswerLength();
    }
}
