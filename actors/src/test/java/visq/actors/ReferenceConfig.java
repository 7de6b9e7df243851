package visq.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Test configurations: every default of reference.conf, with some settings of a HOCON string over them. */
public final class ReferenceConfig {

    private ReferenceConfig() {}

    /** reference.conf with {@code hocon} over it, resolved. */
    public static Config with(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }
}
