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
            String forcedAnswer = completionWithin(forced, "", FORCED_SEARCH_DEPTH + 1);
            if (forcedAnswer == null) {
                throw new IllegalStateException("no answer of task " + grammar.task().id() + " within "
                        + FORCED_SEARCH_DEPTH + " characters of " + alphabet);
            }
            this.forcedAnswerLength = forcedAnswer.length();
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

        /**
         * A completion of {@code region} (the text after {@code <answer>}) that, one character per token, fits in
         * {@code tokens} tokens with end of sequence; null when there is none (or {@code region} is not viable).
         */
        String answerCompletion(String region, int tokens) {
            return completionWithin(grammar.region(), region, tokens);
        }

        /** As {@link #answerCompletion} for the text since the answer was made to open. */
        String forcedCompletion(String sinceForced, int tokens) {
            return completionWithin(forced, sinceForced, tokens);
        }

        private String completionWithin(Pattern pattern, String text, int tokens) {
            if (tokens < 1 || !AnswerGrammar.isViablePrefix(pattern, text)) {
                return null;
            }
            StringBuilder completion = new StringBuilder();
            return complete(pattern, new StringBuilder(text), completion, tokens - 1, new int[] {SEARCH_LIMIT})
                    ? completion.toString() : null;
        }

        /**
         * Depth first over the grammar's alphabet: appends to {@code completion} (and {@code text}) at most
         * {@code budget} characters after which {@code text} fully matches {@code pattern}; false when none is found
         * within the search limit (both builders are then as they were).
         */
        private boolean complete(Pattern pattern, StringBuilder text, StringBuilder completion, int budget,
                int[] searchesLeft) {
            if (pattern.matcher(text).matches()) {
                return true;
            }
            if (budget == 0) {
                return false;
            }
            for (int i = 0; i < alphabet.length(); i++) {
                if (--searchesLeft[0] < 0) {
                    return false;
                }
                text.append(alphabet.charAt(i));
                if (AnswerGrammar.isViablePrefix(pattern, text)) {
                    completion.append(alphabet.charAt(i));
                    if (complete(pattern, text, completion, budget - 1, searchesLeft)) {
                        return true;
                    }
                    completion.setLength(completion.length() - 1);
                }
                text.setLength(text.length() - 1);
            }
            return false;
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
