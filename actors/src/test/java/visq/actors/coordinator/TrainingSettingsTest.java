package visq.actors.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;
import visq.gpu.generation.SamplingSettings;

/** {@code visq.training} read into {@link TrainingSettings}, G and sampling from the method preset. */
class TrainingSettingsTest {

    private static TrainingSettings read(String hocon) {
        return TrainingSettings.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theEmbeddedDefaultSamplesAsReferenceConfSetBeforeThePresetDroveIt() {
        // group-size 6, temperature 1.0, top-k 50, top-p 1.0, max-new-tokens 96: reference.conf's values at 332df06
        TrainingSettings settings = read("");
        assertEquals(6, settings.groupSize());
        assertEquals(SamplingSettings.sampling(1.0, 50, 1.0, 96), settings.sampling());
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

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        for (String[] bad : new String[][] {{"visq.training.sampling.max-new-tokens", "0"},
                {"visq.training.sampling.max-new-tokens", "many"}, {"visq.training.max-staleness", "-1"},
                {"visq.training.prompts-per-step", "a few"}, {"visq.training.rollout-timeout", "soon"},
                {"visq.training.recipe", "\"guess\""}, {"visq.training.group-size", "1"}}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> read(bad[0] + " = " + bad[1]));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }
}
