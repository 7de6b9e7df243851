package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.SamplingConstants;

/** Gradients, memory discipline and learnability of the compact policy, on real DJL/PyTorch. */
@ExtendWith(OneIntraOpThread.class)
class PolicyTrainingTest {

    private static NDManager testManager;

    @BeforeAll
    static void open() {
        testManager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        testManager.close();
    }

    @Test
    void autogradMatchesFiniteDifferences() {
        try (CompactVisionLanguagePolicy model =
                CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault().withInitSeed(5), Device.cpu())) {
            List<PolicyPrompt> prompts = List.of(TestPrompts.score(1), TestPrompts.prompt(QualityTask.COMPARISON, 2),
                    TestPrompts.prompt(QualityTask.DEGRADATION, 3));
            List<int[]> responses = List.of(new int[] {10, 20, 30, 40, 2}, new int[] {7, 8, 9},
                    new int[] {100, 5, 60, 61});
            double temperature = 0.8;

            model.zeroGradients();
            try (NDManager scope = testManager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(model.responseLogProbs(scope, prompts, responses, temperature).sum());
            }
            List<String> names = model.trainableParameterNames();
            String[] checked = {"patch.weight", "image.slot", "task.embedding", "token.embedding",
                "position.embedding", "layer0.attention.qkv.weight", "layer0.attention.norm.gamma",
                "layer1.mlp.down.weight", "layer1.attention.out.bias", "final.norm.gamma", "head.weight"};
            float eps = 1e-2f;
            for (String name : checked) {
                NDArray parameter = model.trainableParameters().get(names.indexOf(name));
                float[] gradient;
                try (NDArray g = parameter.getGradient()) {
                    gradient = g.toFloatArray();
                }
                int index = argmaxAbs(gradient);
                float[] values = parameter.toFloatArray();
                float original = values[index];
                values[index] = original + eps;
                parameter.set(FloatBuffer.wrap(values));
                double plus = objective(model, prompts, responses, temperature);
                values[index] = original - eps;
                parameter.set(FloatBuffer.wrap(values));
                double minus = objective(model, prompts, responses, temperature);
                values[index] = original;
                parameter.set(FloatBuffer.wrap(values));
                double numeric = (plus - minus) / (2 * eps);
                double analytic = gradient[index];
                assertTrue(Math.abs(analytic) > 1e-3, name + " gradient too small to check: " + analytic);
                assertEquals(analytic, numeric, 2e-2 * Math.abs(analytic) + 2e-4,
                        name + "[" + index + "] autograd " + analytic + " vs finite difference " + numeric);
            }
            model.zeroGradients();
            try (NDArray g = model.trainableParameters().get(0).getGradient()) {
                assertEquals(0f, g.abs().max().getFloat());
            }
        }
    }

    @Test
    void repeatedGenerateScoreBackwardKeepsArrayCountFlat() {
        try (CompactVisionLanguagePolicy model =
                CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu())) {
            TestPrompts.boostEos(model, 0.06f); // rows finish early and leave the batch: exercises cache shrinking
            PolicyPrompt prompt = TestPrompts.score(4);
            SamplingSettings sampling = SamplingConstants.papers().forRollouts(8);
            int baseline = -1;
            int baselineTest = -1;
            for (int i = 0; i < 205; i++) {
                List<GeneratedResponse> group = model.generate(prompt, 3, sampling, i);
                List<int[]> responses = new ArrayList<>();
                for (GeneratedResponse r : group) {
                    responses.add(r.tokenIds());
                }
                try (NDManager scope = testManager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logProbs = model.responseLogProbs(scope, List.of(prompt, prompt, prompt), responses, 1.0);
                    collector.backward(logProbs.sum().neg());
                }
                model.zeroGradients();
                if (i == 4) {
                    baseline = model.liveArrayCount();
                    baselineTest = testManager.getManagedArrays().size();
                }
            }
            assertEquals(model.trainableParameters().size(), baseline, "only parameters stay alive");
            assertEquals(baseline, model.liveArrayCount());
            assertEquals(baselineTest, testManager.getManagedArrays().size());
        }
    }

    @Test
    void supervisedStepsTeachTheExactAnswer() {
        try (CompactVisionLanguagePolicy model =
                CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu())) {
            TextTokenizer tokenizer = model.tokenizer();
            PolicyPrompt prompt = TestPrompts.score(6);
            String answer = "<think>\nThe image is sharp with fine details.\n</think>\n<answer>\n{\"rating\": 3.45}\n"
                    + "</answer>";
            int[] text = tokenizer.encode(answer);
            int[] target = Arrays.copyOf(text, text.length + 1);
            target[text.length] = tokenizer.eosId();

            Adam adam = new Adam(model.trainableParameters(), 3e-3);
            double firstLoss = Double.NaN;
            double loss = Double.NaN;
            for (int step = 0; step < 150; step++) {
                try (NDManager scope = testManager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray nll = model.sequenceNegativeLogLikelihood(scope, List.of(prompt), List.of(target));
                    loss = nll.getFloat();
                    collector.backward(nll);
                }
                if (step == 0) {
                    firstLoss = loss;
                }
                adam.step();
                model.zeroGradients();
            }
            assertTrue(firstLoss > 5, "starts near uniform: " + firstLoss);
            assertTrue(loss < 0.05, "NLL after 150 steps: " + loss);
            GeneratedResponse greedy = model.generate(prompt, 1, SamplingSettings.greedy(target.length + 5), 0).get(0);
            assertArrayEquals(target, greedy.tokenIds());
            assertEquals(answer, greedy.text());
            assertTrue(greedy.finished());
        }
    }

    private static double objective(PolicyModel model, List<PolicyPrompt> prompts, List<int[]> responses,
            double temperature) {
        try (NDManager scope = testManager.newSubManager()) {
            double sum = 0;
            for (float v : model.responseLogProbs(scope, prompts, responses, temperature).toFloatArray()) {
                sum += v;
            }
            return sum;
        }
    }

    private static int argmaxAbs(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (Math.abs(values[i]) > Math.abs(values[best])) {
                best = i;
            }
        }
        return best;
    }

    /** A plain Adam in Java arrays (the learner brings its own optimizer). */
    private static final class Adam {
        private final List<NDArray> parameters;
        private final double learningRate;
        private final float[][] m;
        private final float[][] v;
        private int t;

        Adam(List<NDArray> parameters, double learningRate) {
            this.parameters = parameters;
            this.learningRate = learningRate;
            m = new float[parameters.size()][];
            v = new float[parameters.size()][];
            for (int i = 0; i < parameters.size(); i++) {
                int size = Math.toIntExact(parameters.get(i).size());
                m[i] = new float[size];
                v[i] = new float[size];
            }
        }

        void step() {
            t++;
            double b1 = 0.9;
            double b2 = 0.999;
            double correction1 = 1 - Math.pow(b1, t);
            double correction2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < parameters.size(); i++) {
                NDArray parameter = parameters.get(i);
                float[] gradient;
                try (NDArray g = parameter.getGradient()) {
                    gradient = g.toFloatArray();
                }
                float[] w = parameter.toFloatArray();
                for (int j = 0; j < w.length; j++) {
                    m[i][j] = (float) (b1 * m[i][j] + (1 - b1) * gradient[j]);
                    v[i][j] = (float) (b2 * v[i][j] + (1 - b2) * gradient[j] * gradient[j]);
                    double mHat = m[i][j] / correction1;
                    double vHat = v[i][j] / correction2;
                    w[j] -= (float) (learningRate * mHat / (Math.sqrt(vHat) + 1e-8));
                }
                parameter.set(FloatBuffer.wrap(w));
            }
        }
    }
}
