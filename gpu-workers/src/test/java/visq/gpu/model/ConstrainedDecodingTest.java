package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;

/**
 * Constrained decoding on a real compact policy that was never trained (random weights write no answer of their
 * own): every response of every task ends in an answer the serving path parses, and records the model's own
 * log-probabilities.
 */
@ExtendWith(OneIntraOpThread.class)
class ConstrainedDecodingTest {

    private static final int MAX_NEW_TOKENS = 96;
    private static CompactVisionLanguagePolicy model;

    @BeforeAll
    static void createModel() {
        model = CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void everyConstrainedResponseOfAnUntrainedModelParses() {
        SamplingSettings greedy = SamplingSettings.greedy(MAX_NEW_TOKENS);
        SamplingSettings sampled = SamplingSettings.sampling(1.0, 50, 1.0, MAX_NEW_TOKENS);
        int unconstrainedParsed = 0;
        int unconstrained = 0;
        for (QualityTask task : QualityTask.values()) {
            PolicyPrompt prompt = TestPrompts.prompt(task, 5);
            List<GeneratedResponse> responses = new ArrayList<>();
            responses.addAll(model.generate(prompt, 1, greedy.withConstrainedAnswers(true), 0));
            responses.addAll(model.generate(prompt, 4, sampled.withConstrainedAnswers(true), 3));
            for (GeneratedResponse response : responses) {
                assertTrue(response.finished(), task.id() + " ends with end of sequence: " + response.text());
                assertTrue(AnswerParser.parses(task, response.text()), task.id() + ": " + response.text());
            }
            for (GeneratedResponse response : model.generate(prompt, 4, sampled, 3)) {
                unconstrained++;
                unconstrainedParsed += AnswerParser.parses(task, response.text()) ? 1 : 0;
            }
        }
        assertEquals(0, unconstrainedParsed, "without the constraint the untrained model answers nothing of "
                + unconstrained + " (else this test proves nothing)");
    }

    @Test
    void aBatchOfPromptsDecodesEachUnderItsOwnTasksConstraint() {
        List<PolicyPrompt> prompts = List.of(TestPrompts.prompt(QualityTask.SCORE, 1),
                TestPrompts.prompt(QualityTask.DEGRADATION, 2), TestPrompts.prompt(QualityTask.SCORE_NUMBER, 3),
                TestPrompts.prompt(QualityTask.SCORE, 4));
        SamplingSettings greedy = SamplingSettings.greedy(MAX_NEW_TOKENS).withConstrainedAnswers(true);
        List<GeneratedResponse> batch = model.answerAll(prompts, greedy, 0);
        for (int i = 0; i < prompts.size(); i++) {
            PolicyPrompt prompt = prompts.get(i);
            assertTrue(AnswerParser.parses(prompt.task(), batch.get(i).text()),
                    prompt.task().id() + ": " + batch.get(i).text());
            GeneratedResponse alone = model.generate(prompt, 1, greedy, 0).get(0);
            assertArrayEquals(alone.tokenIds(), batch.get(i).tokenIds(), "row " + i + " as alone");
            assertArrayEquals(alone.logProbs(), batch.get(i).logProbs(), 1e-4f, "row " + i + " as alone");
        }
    }

    @Test
    void constrainedResponsesRecordTheModelsOwnLogProbabilities() {
        PolicyPrompt prompt = TestPrompts.prompt(QualityTask.SCORE_NUMBER, 9);
        List<GeneratedResponse> responses = model.generate(prompt, 3,
                SamplingSettings.sampling(1.0, 50, 1.0, MAX_NEW_TOKENS).withConstrainedAnswers(true), 17);
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            List<int[]> ids = responses.stream().map(GeneratedResponse::tokenIds).toList();
            float[] scored = model.responseLogProbs(scope, java.util.Collections.nCopies(3, prompt), ids, 1.0)
                    .toFloatArray();
            int width = scored.length / 3;
            for (int r = 0; r < 3; r++) {
                float[] row = java.util.Arrays.copyOfRange(scored, r * width, r * width + ids.get(r).length);
                assertArrayEquals(row, responses.get(r).logProbs(), 1e-4f, "response " + r);
            }
        }
    }
}
