package visq.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import visq.deploy.cli.Terminal;
import visq.deploy.node.NodeProcess;

/**
 * Every {@code visq} command refuses what it does not know, before it starts anything: an unknown option, a missing
 * value, a malformed {@code --set}, with the command's usage on stderr and exit status 2 naming the argument.
 */
class VisqCommandTest {
    private static final List<String> ALL =
            List.of("train", "serve", "node", "score", "status", "eval", "bench", "export-adapter");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false);
        return VisqCommand.run(List.of(args), terminal);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertRefused(String command, String problem, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(command));
        line.addAll(List.of(args));
        assertEquals(2, run(line.toArray(String[]::new)), err());
        assertTrue(err().startsWith("visq " + command + ": " + problem), err());
        assertTrue(err().contains("usage: visq " + command), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    void everyCommandIsListed() {
        assertEquals(ALL, VisqCommand.COMMANDS.stream().map(c -> c.spec().name()).toList());
    }

    @Test
    void childNodesRunThisMainClass() {
        assertEquals(VisqCommand.class.getName(), NodeProcess.MAIN_CLASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "serve", "node", "score", "status", "eval", "bench", "export-adapter"})
    void refusesAnUnknownOption(String command) throws Exception {
        assertRefused(command, "unknown option '--holdout'", "--holdout", "x", "img.png");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "serve", "node", "eval", "bench", "export-adapter"})
    void refusesAMissingValue(String command) throws Exception {
        assertRefused(command, "option --config needs a value", "--config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "status"})
    void refusesAMissingValueOfAClientOption(String command) throws Exception {
        assertRefused(command, "option --host needs a value", "--host", "--port", "8080", "img.png");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "serve", "node", "eval", "bench", "export-adapter"})
    void refusesASetWithoutEquals(String command) throws Exception {
        assertRefused(command, "--set expects key=value, got 'visq.training.grpo-steps'", "--set",
                "visq.training.grpo-steps");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "serve", "node", "eval", "bench", "export-adapter"})
    void refusesASetWhoseValueIsNotHocon(String command) throws Exception {
        assertRefused(command, "--set 'visq.training.tasks=[score': the value is not valid HOCON", "--set",
                "visq.training.tasks=[score");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "serve", "node", "eval", "bench", "export-adapter"})
    void refusesASetOfAnUnknownSetting(String command) throws Exception {
        assertRefused(command, "--set 'visq.training.grpo-step=5': unknown setting 'visq.training.grpo-step' "
                + "(visq.training has: ", "--set", "visq.training.grpo-step=5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "status"})
    void clientCommandsTakeNoSettings(String command) throws Exception {
        assertRefused(command, "unknown option '--set'", "--set", "visq.grpc.port=1", "img.png");
    }

    @Test
    void benchMeasuresTheImagePreparationAsReadmeSays() throws Exception {
        assertEquals(0, run("bench", "--only", "preparation", "--images", "2",
                "--set", "visq.data.shared-dir=\"" + shared() + "\""), err());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("image preparation (median of 2 CLIVE photos x 3, one thread, decoding excluded): "
                + "statistics "), printed);
        assertTrue(printed.contains(" ms, with MobileNetV2 features "), printed);
    }

    @Test
    void benchRefusesASnapshotSizeItCannotRead() throws Exception {
        assertRefused("bench", "option --sizes: 'lots' is not a size such as 64MB or 1GB", "--only", "weight-push",
                "--sizes", "64MB,lots");
    }

    @Test
    void benchAcceptsTheModelBenchOptionsReadmeGives() throws Exception {
        assertRefused("bench", "option --model-checkpoint needs a value", "--only", "model", "--repetitions", "2",
                "--model-checkpoint");
    }

    private static String shared() {
        return java.nio.file.Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize()
                .toString();
    }

    @Test
    void trainRefusesAValueForItsFlag() throws Exception {
        assertRefused("train", "option --exit-when-done takes no value, got '--exit-when-done=yes'",
                "--exit-when-done=yes");
    }

    @Test
    void serveRefusesAPositionalArgument() throws Exception {
        assertRefused("serve", "unexpected argument 'now' (visq serve takes none)", "now");
    }

    @Test
    void nodeRefusesAnOptionGivenTwice() throws Exception {
        assertRefused("node", "option --config is given twice", "--config", "multi-node.conf", "--config",
                "local.conf");
    }

    @Test
    void scoreNeedsAnImage() throws Exception {
        assertRefused("score", "missing IMAGE", "--port", "9000");
    }

    @Test
    void scoreRefusesAnUnknownTask() throws Exception {
        assertRefused("score", "option --task expects one of score, score-number, got 'rank'", "--task", "rank",
                "img.png");
    }

    @Test
    void statusRefusesAPortThatIsNotANumber() throws Exception {
        assertRefused("status", "option --port expects a whole number, got 'eighty'", "--port", "eighty");
    }

    @Test
    void evalRefusesSamplesThatAreNotANumber() throws Exception {
        assertRefused("eval", "option --samples expects a whole number, got 'two'", "--samples", "two");
    }

    @Test
    void benchRefusesAnUnknownSection() throws Exception {
        assertRefused("bench", "option --only expects one of scoring, load, scaling, model, preparation, soak, weight-push, async, got 'gpu'", "--only", "gpu");
    }

    @Test
    void trainRefusesBadDatasetsBeforeStartingAnything() throws Exception {
        assertEquals(1, run("train", "--exit-when-done", "--set", "visq.data.datasets=[{name = own, format = jsonx, "
                + "images = /nonexistent, labels = /nonexistent/labels.csv}, {name = two, format = csv, "
                + "images = /nonexistent, labels = /nonexistent/labels.csv}]"));
        assertEquals("visq train: 2 problems in the datasets:\n"
                + "  visq.data.datasets[0]: dataset own: unknown format 'jsonx' (one of csv, q-insight, "
                + "visualquality-r1, kadid, tid2013, generated-degradations)\n"
                + "  /nonexistent/labels.csv: labels file not found (dataset two)\n", err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exportAdapterNeedsAnOutputDirectory() throws Exception {
        assertRefused("export-adapter", "--out DIR is required", "--checkpoint", "target/none");
    }

    @Test
    void exportAdapterRefusesTheCompactModelByName() throws Exception {
        assertEquals(1, run("export-adapter", "--out", "target/none-adapter"), err());
        assertTrue(err().contains("export-adapter needs visq.model.kind qwen2-vl or qwen2.5-vl"), err());
    }

    @Test
    void refusesAnUnknownCommand() throws Exception {
        assertEquals(2, run("evaluate", "--dataset", "x=y"));
        assertTrue(err().startsWith("visq: unknown command 'evaluate'\nusage: visq <command>"), err());
    }

    @Test
    void refusesNoCommand() throws Exception {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage: visq <command>"), err());
    }

    @Test
    void helpPrintsACommandsUsageAndSucceeds() throws Exception {
        assertEquals(0, run("eval", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: visq eval"), out.toString());
        out.reset();
        assertEquals(0, run("help", "train"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: visq train"), out.toString());
    }
}
