package visq.deploy.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.List;

/**
 * Checks one {@code --set key=value}: a key that is a HOCON path, a value HOCON can parse, and, under {@code visq.},
 * a setting the reference configuration declares (a typo would otherwise be ignored without a word). Optional
 * settings are declared there as {@code null}. Free-form areas take keys the reference does not declare:
 * {@code visq.dispatchers} (Akka dispatcher settings), the task shares and the dataset weights (task ids and dataset
 * names as keys; the training settings refuse an unknown task naming its key, and a weight of a dataset that does not
 * serve its task takes no part).
 */
final class SettingOverride {
    private static final List<String> FREE_FORM = List.of("visq.dispatchers.",
            "visq.training.cold-start-task-shares.", "visq.training.grpo-task-shares.",
            "visq.training.dataset-weights.");

    private SettingOverride() {}

    /** The key and value of {@code assignment}, or a usage error naming what is wrong. */
    static String[] parse(String assignment, Config reference) throws UsageException {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new UsageException("--set expects key=value, got '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).strip();
        String value = assignment.substring(eq + 1);
        if (key.isEmpty()) {
            throw new UsageException("--set '" + assignment + "' has no key before '='");
        }
        List<String> path;
        try {
            path = ConfigUtil.splitPath(key);
        } catch (ConfigException e) {
            throw new UsageException("--set '" + assignment + "': '" + key + "' is not a setting path");
        }
        try {
            ConfigFactory.parseString(key + " = " + value);
        } catch (ConfigException e) {
            throw new UsageException("--set '" + assignment + "': the value is not valid HOCON ("
                    + e.getMessage().replaceFirst("^String: \\d+: ", "") + ")");
        }
        if (path.get(0).equals("visq") && FREE_FORM.stream().noneMatch(key::startsWith)
                && !reference.hasPathOrNull(key)) {
            throw new UsageException("--set '" + assignment + "': unknown setting '" + key + "'"
                    + closestKnownParent(path, reference));
        }
        return new String[] {key, value};
    }

    private static String closestKnownParent(List<String> path, Config reference) {
        for (int length = path.size() - 1; length > 0; length--) {
            String parent = ConfigUtil.joinPath(path.subList(0, length));
            if (reference.hasPath(parent) && reference.getValue(parent).valueType()
                    == com.typesafe.config.ConfigValueType.OBJECT) {
                return " (" + parent + " has: " + String.join(", ",
                        new java.util.TreeSet<>(reference.getObject(parent).keySet())) + ")";
            }
        }
        return "";
    }
}
