package visq.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandParserTest {
    private static final CommandSpec SPEC = CommandSpec.of("demo", "a demo", true,
            List.of(OptionSpec.flag("--quick"), OptionSpec.integer("--count", "N"), OptionSpec.number("--rate", "R"),
                    OptionSpec.text("--dataset", "NAME=DIR").asRepeatable(), OptionSpec.text("--labels", "FILE")
                            .asRepeatable()))
            .withArguments("FILE...", 0, 3);
    private final CommandParser parser = new CommandParser(ConfigFactory.defaultReference());

    private CommandLine parse(String... args) throws UsageException {
        return parser.parse(SPEC, List.of(args));
    }

    private String refusal(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void acceptsWhatTheCommandDeclares() throws UsageException {
        CommandLine line = parse("--quick", "--count", "3", "--rate=-0.5", "--dataset", "a=x", "--labels", "a.csv",
                "--dataset", "b=y", "--set", "visq.training.grpo-steps=7", "--set=akka.loglevel=DEBUG", "one", "--",
                "--two");
        assertEquals(true, line.has("--quick"));
        assertEquals(3, line.intValue("--count", 0));
        assertEquals(-0.5, line.doubleValue("--rate", 0));
        assertEquals(List.of("a=x", "b=y"), line.values("--dataset"));
        assertEquals(List.of("--dataset", "--labels", "--dataset"),
                line.options().stream().map(CommandLine.Given::name).filter(n -> !n.equals("--quick")
                        && !n.equals("--count") && !n.equals("--rate")).toList());
        assertEquals(Map.of("visq.training.grpo-steps", "7", "akka.loglevel", "DEBUG"), line.settings());
        assertEquals(List.of("one", "--two"), line.arguments());
    }

    @Test
    void acceptsANegativeNumberAsAValue() throws UsageException {
        assertEquals(-2, parse("--count", "-2").intValue("--count", 0));
    }

    @Test
    void acceptsOptionalSettingsDeclaredAsNull() throws UsageException {
        assertEquals("3e-5", parse("--set", "visq.learner.grpo-learning-rate=3e-5").settings()
                .get("visq.learner.grpo-learning-rate"));
        // the settings that override the method preset are null in reference.conf and still accepted
        CommandLine line = parse("--set", "visq.training.group-size=8", "--set", "visq.learner.advantage-scaling=NONE",
                "--set", "visq.training.sampling.temperature=0.7", "--set", "visq.training.sampling.top-k=20",
                "--set", "visq.training.sampling.top-p=0.9");
        assertEquals("8", line.settings().get("visq.training.group-size"));
        assertEquals(5, line.settings().size());
    }

    @Test
    void aPathOptionFallsBackLazily() throws UsageException {
        assertEquals(java.nio.file.Path.of("a.csv"), parse("--labels", "a.csv").pathValue("--labels", () -> {
            throw new AssertionError("the fallback is not asked for when the option is given");
        }));
        assertEquals(java.nio.file.Path.of("target/x"),
                parse("--quick").pathValue("--labels", () -> java.nio.file.Path.of("target/x")));
    }

    @Test
    void acceptsFreeFormDispatcherSettings() throws UsageException {
        parse("--set", "visq.dispatchers.blocking-io.thread-pool-executor.core-pool-size-min=2");
    }

    @Test
    void refusesBadArguments() {
        assertEquals("unknown option '--fast'", refusal("--fast"));
        assertEquals("unknown option '-q' (options start with --)", refusal("-q"));
        assertEquals("option --count needs a value", refusal("--count"));
        assertEquals("option --count needs a value", refusal("--count", "--quick"));
        assertEquals("option --count expects a whole number, got '2.5'", refusal("--count", "2.5"));
        assertEquals("option --rate expects a number, got 'fast'", refusal("--rate", "fast"));
        assertEquals("option --rate expects a finite number, got 'NaN'", refusal("--rate", "NaN"));
        assertEquals("option --count is given twice", refusal("--count", "1", "--count", "2"));
        assertEquals("option --quick takes no value, got '--quick=no'", refusal("--quick=no"));
        assertEquals("unexpected argument 'd' (at most 3 FILE...)", refusal("a", "b", "c", "d"));
        assertEquals("option --set needs a value", refusal("--set"));
        assertEquals("--set '=1' has no key before '='", refusal("--set", "=1"));
        assertEquals("--set 'a..b=1': 'a..b' is not a setting path", refusal("--set", "a..b=1"));
    }
}
