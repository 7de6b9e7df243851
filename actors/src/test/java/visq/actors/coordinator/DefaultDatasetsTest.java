package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.DataSettings;
import visq.actors.cluster.TrainingCorpus;
import visq.actors.rollout.PromptRef;
import visq.gpu.data.IqaSample;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;

/**
 * The embedded default of sessions 1–4 (today {@link #light deploy/conf/light.conf}), two
 * entries of {@code visq.data.datasets}, trains on exactly the data it trained on before datasets became
 * configurable: the same prompts per task in the same order with the same truth (normalised MOS, label), the same
 * held-out sets, and the same prompts for every one of the 3,300 steps of that run (cold start 8 a step, GRPO 4,
 * tasks alternating), so its weights cannot change.
 */
class DefaultDatasetsTest {
    /** deploy/conf/light.conf, read from the repository (it includes local.conf and application.conf). */
    static Config light() {
        return ConfigFactory.parseFile(Path.of("../deploy/conf/light.conf").toFile());
    }

    /**
     * SHA-256 of {@link #fingerprint}'s text computed by the code of commit dcbd460 (before this change; its
     * TrainingCorpus, IqaDatasetReader and PromptPlans) with this same text format, on ../shared/data.
     */
    private static final String BEFORE = "cdd1fe19c8b0b5e4f350d5e8a3db29c69d9eab1f4d5b1aeeb5bc16dee8f51a9a";
    static final Function<TrainingData, PromptPlans> PLANS = data -> new PromptPlans(
            List.of(QualityTask.DEGRADATION, QualityTask.SCORE), data::datasets, 1234, 0);

    @Test
    void theDefaultTrainsOnTheSameSamplesInTheSameOrder() throws Exception {
        Path shared = Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
        Config config = ConfigFactory.parseMap(Map.of("visq.data.shared-dir", shared.toString(),
                "visq.data.work-dir", Path.of("target/visq-data").toAbsolutePath().toString()))
                .withFallback(light()).withFallback(ConfigFactory.defaultReference()).resolve();
        DataSettings settings = DataSettings.fromConfig(config);
        assertEquals(List.of("kodak-degraded", "clive"), settings.datasets().stream().map(d -> d.name()).toList());
        TrainingCorpus corpus = TrainingCorpus.load(settings);
        List<List<String>> validation = corpus.datasets().stream()
                .map(d -> d.validation().stream().map(DefaultDatasetsTest::line).toList()).toList();
        String text = fingerprint(corpus, validation);
        Files.writeString(Path.of("target/default-datasets-fingerprint.txt"), text);
        assertEquals(BEFORE, sha256(text), "see target/default-datasets-fingerprint.txt");
    }

    static String line(IqaSample s) {
        return s.id() + "|" + s.image().getFileName() + "|" + s.mos() + "|" + s.normalisedMos() + "|"
                + s.label().map(DegradationLabel::describe).orElse("-");
    }

    /** The default run's data as text: every task's prompts with their truth, the held-out sets, and the plan walk. */
    static String fingerprint(TrainingCorpus corpus, List<List<String>> validation) {
        StringBuilder text = new StringBuilder();
        TrainingData data = corpus.trainingData(TrainingSettings.fromConfig(
                light().withFallback(ConfigFactory.defaultReference()).resolve()));
        for (QualityTask task : List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER)) {
            text.append("prompts ").append(task.id()).append('\n');
            for (PromptRef prompt : data.prompts(task)) {
                SampleTruth truth = corpus.truth(prompt.sampleId());
                text.append(prompt.sampleId()).append('|').append(truth.dataset()).append('|')
                        .append(Double.toString(truth.normalisedMos())).append('|')
                        .append(truth.degradation().map(DegradationLabel::describe).orElse("-")).append('\n');
            }
        }
        for (List<String> held : validation) {
            text.append("validation\n");
            held.forEach(line -> text.append(line).append('\n'));
        }
        List<QualityTask> tasks = List.of(QualityTask.DEGRADATION, QualityTask.SCORE);
        PromptPlans plans = PLANS.apply(data);
        for (long step = 1; step <= 3300; step++) {
            QualityTask task = tasks.get((int) ((step - 1) % tasks.size()));
            boolean grpo = step > 3000;
            text.append("step ").append(step).append(' ').append(task.id()).append(':');
            for (PromptRef prompt : plans.take(task, grpo ? 4 : 8, grpo)) {
                text.append(' ').append(prompt.sampleId());
            }
            text.append('\n');
        }
        return text.toString();
    }

    static String sha256(String text) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
