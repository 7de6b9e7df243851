package visq.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@link SettingOverride} against the reference configuration on the classpath. */
class SettingOverrideTest {
    private final Config reference = ConfigFactory.defaultReference();

    @Test
    void aShareOfAnyTaskMaySetBeyondTheDefaultsShares() throws Exception {
        // reference.conf names only degradation in cold-start-task-shares and nothing in grpo-task-shares
        assertArrayEquals(new String[] {"visq.training.grpo-task-shares.score-number", "2"},
                SettingOverride.parse("visq.training.grpo-task-shares.score-number=2", reference));
        assertArrayEquals(new String[] {"visq.training.cold-start-task-shares.score", "3"},
                SettingOverride.parse("visq.training.cold-start-task-shares.score=3", reference));
        // reference.conf names only the score task's kodak-degraded weight: any other task and dataset is taken too
        assertArrayEquals(new String[] {"visq.training.dataset-weights.score-number.kodak-degraded", "0.25"},
                SettingOverride.parse("visq.training.dataset-weights.score-number.kodak-degraded=0.25", reference));
    }

    @Test
    void aKeyBesideTheSharesIsStillChecked() {
        UsageException e = assertThrows(UsageException.class,
                () -> SettingOverride.parse("visq.training.grpo-task-share.score=2", reference));
        assertTrue(e.getMessage().contains("unknown setting 'visq.training.grpo-task-share.score'"), e.getMessage());
    }
}
