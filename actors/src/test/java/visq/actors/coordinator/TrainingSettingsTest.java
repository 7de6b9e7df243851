package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.QualityTask;

/** {@code visq.training} read into {@link TrainingSettings}, G and sampling from the method preset. */
class TrainingSettingsTest {

    private static TrainingSettings read(String hocon) {
        return TrainingSettings.fromConfig(ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void theEmbeddedDefaultTrainsWithTheValuesItAlwaysHad() {
        TrainingSettings settings = read("");
        assertEquals(6, settings.groupSize());
        assertEquals(SamplingSettings.sampling(1.0, 50, 1.0, 96), settings.sampling());
        assertEquals(3000, settings.coldStartSteps());
        assertEquals(300, settings.grpoSteps());
        assertEquals(4, settings.promptsPerStep());
        assertEquals(8, settings.coldStartBatch());
        assertEquals(1234, settings.seed());
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE), settings.tasks());
        assertEquals(Duration.ofSeconds(120), settings.rolloutTimeout());
        assertEquals(0, settings.maxStaleness());
        assertEquals(TrainingRecipe.SUPERVISED, settings.recipe());
    }

    @Test
    void groupSizeAndSamplingFollowThePresetUnlessSet() {
        assertEquals(8, read("visq.learner.preset = q-insight").groupSize());
        assertEquals(6, read("visq.learner.preset = q-insight\nvisq.training.group-size = 6").groupSize());
        assertEquals(8, read("visq.training.group-size = 8").groupSize());
        assertEquals(SamplingSettings.sampling(0.7, 50, 1.0, 64),
                read("visq.training.sampling { temperature = 0.7, max-new-tokens = 64 }").sampling());
    }
}
