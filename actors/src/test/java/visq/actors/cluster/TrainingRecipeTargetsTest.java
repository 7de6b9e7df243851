package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.actors.coordinator.TrainingData;
import visq.actors.coordinator.TrainingRecipe;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.rollout.PromptRef;
import visq.gpu.tasks.QualityTask;
import visq.gpu.tasks.ResponseTemplates;

/**
 * {@code visq.training.recipe}: "supervised" cold-start targets carry each image's true label; "rl-first" targets
 * are answers with labels drawn afresh at every step, the same on every node and after a resume (the draw depends on
 * the seed, the step and the prompt only).
 */
class TrainingRecipeTargetsTest {

    @TempDir
    Path folder;

    private TrainingCorpus corpus() throws IOException {
        StringBuilder csv = new StringBuilder("image,mos\n");
        for (int i = 0; i < 40; i++) {
            Files.write(folder.resolve("i" + i + ".jpg"), new byte[] {1});
            csv.append("i").append(i).append(".jpg,").append(10 + i).append('\n');
        }
        Files.writeString(folder.resolve("mos.csv"), csv);
        Config config = ConfigFactory.parseString("visq.data.datasets = [ { name = own, format = csv, images = \""
                + folder + "\", labels = \"" + folder.resolve("mos.csv") + "\", split = train, tasks = [score] } ]")
                .withFallback(ConfigFactory.parseMap(Map.of("visq.data.work-dir", folder.resolve("work").toString())))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        return TrainingCorpus.load(DataSettings.fromConfig(config));
    }

    private static TrainingSettings settings(String recipe, long seed) {
        return TrainingSettings.fromConfig(ConfigFactory.parseString("visq.training { recipe = " + recipe
                + ", seed = " + seed + " }").withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void supervisedTargetsCarryTheTrueScore() throws IOException {
        TrainingCorpus corpus = corpus();
        TrainingData data = corpus.trainingData(settings("supervised", 5));
        for (PromptRef prompt : data.prompts(QualityTask.SCORE)) {
            String expected = ResponseTemplates.score(corpus.truth(prompt.sampleId()).normalisedMos());
            assertEquals(expected, data.coldStartTargets().target(prompt, 1));
            assertEquals(expected, data.coldStartTargets().target(prompt, 2));
        }
    }

    @Test
    void rlFirstTargetsWithholdTheLabelAndChangeEveryStep() throws IOException {
        TrainingCorpus corpus = corpus();
        TrainingData data = corpus.trainingData(settings("rl-first", 5));
        TrainingData sameSeed = corpus.trainingData(settings("rl-first", 5));
        TrainingData otherSeed = corpus.trainingData(settings("rl-first", 6));
        List<PromptRef> prompts = data.prompts(QualityTask.SCORE);
        int equalToTruth = 0;
        int sameAsNextStep = 0;
        int sameAsOtherSeed = 0;
        Set<String> distinct = new HashSet<>();
        for (PromptRef prompt : prompts) {
            String target = data.coldStartTargets().target(prompt, 7);
            assertEquals(target, sameSeed.coldStartTargets().target(prompt, 7), "deterministic");
            distinct.add(target);
            equalToTruth += target.equals(ResponseTemplates.score(corpus.truth(prompt.sampleId()).normalisedMos()))
                    ? 1 : 0;
            sameAsNextStep += target.equals(data.coldStartTargets().target(prompt, 8)) ? 1 : 0;
            sameAsOtherSeed += target.equals(otherSeed.coldStartTargets().target(prompt, 7)) ? 1 : 0;
            assertTrue(target.startsWith("<think>\n") && target.endsWith("\n</answer>"), target);
        }
        // 401 possible two-decimal scores: a coincidence with the truth or another draw is rare (expected 0.1 of 40)
        assertTrue(equalToTruth <= 2, "targets equal to the truth: " + equalToTruth);
        assertTrue(sameAsNextStep <= 2, "targets repeated at the next step: " + sameAsNextStep);
        assertTrue(sameAsOtherSeed <= 2, "targets equal under another seed: " + sameAsOtherSeed);
        assertTrue(distinct.size() >= 35, "distinct targets: " + distinct.size());
    }

    @Test
    void anUnknownRecipeIsRefusedByName() {
        Config config = ConfigFactory.parseString("visq.training.recipe = rl-last")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSettings.fromConfig(config));
        assertEquals("visq.training.recipe: unknown recipe 'rl-last' (one of supervised, rl-first)", e.getMessage());
        assertNotEquals(TrainingRecipe.SUPERVISED, TrainingSettings.fromConfig(ConfigFactory
                .parseString("visq.training.recipe = rl-first").withFallback(ConfigFactory.defaultReference())
                .resolve()).recipe());
    }
}
