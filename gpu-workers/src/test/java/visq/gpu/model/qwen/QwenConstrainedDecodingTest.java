package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * Constrained answers with Qwen's byte-level BPE tokenizer (151,665 ids, its real tokenizer.json) on the committed
 * tiny random checkpoints: whatever the random weights prefer, every answer of every task parses.
 */
class QwenConstrainedDecodingTest {

    private static final int MAX_NEW_TOKENS = 96;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void everyConstrainedAnswerOfARandomQwenParses(String variant) {
        try (QwenVisionLanguagePolicy policy = QwenTestModels.policy(variant, QwenTestModels.fixtureLora())) {
            int unconstrainedParsed = 0;
            for (QualityTask task : List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER, QualityTask.DEGRADATION)) {
                PolicyPrompt prompt = PromptCatalogue.prompt(task,
                        List.of(QwenTestModels.resized(variant, "small.png")));
                long started = System.nanoTime();
                GeneratedResponse constrained = policy.generate(prompt, 1,
                        SamplingSettings.greedy(MAX_NEW_TOKENS).withConstrainedAnswers(true), 0).get(0);
                System.out.printf("%s %s constrained (%.0f ms): %s%n", variant, task.id(),
                        (System.nanoTime() - started) / 1e6, constrained.text());
                assertTrue(constrained.finished(), task.id() + " ends with end of sequence: " + constrained.text());
                assertTrue(AnswerParser.parses(task, constrained.text()), task.id() + ": " + constrained.text());
                for (GeneratedResponse sampled : policy.generate(prompt, 2,
                        SamplingSettings.sampling(1.0, 50, 1.0, MAX_NEW_TOKENS).withConstrainedAnswers(true), 5)) {
                    assertTrue(AnswerParser.parses(task, sampled.text()), task.id() + " sampled: " + sampled.text());
                }
                GeneratedResponse raw = policy.generate(prompt, 1, SamplingSettings.greedy(MAX_NEW_TOKENS), 0).get(0);
                unconstrainedParsed += AnswerParser.parses(task, raw.text()) ? 1 : 0;
            }
            assertEquals(0, unconstrainedParsed, "the random checkpoint answers nothing unconstrained (else this test "
                    + "proves nothing)");
        }
    }
}
