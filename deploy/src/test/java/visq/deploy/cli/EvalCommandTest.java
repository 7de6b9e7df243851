package visq.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.DatasetSpec;
import visq.gpu.data.MosScale;
import visq.gpu.data.SplitMode;
import visq.gpu.tasks.QualityTask;

/** How {@code visq eval --dataset NAME=DIR --labels FILE [--format F] [--mos-range MIN,MAX]} groups become sets. */
class EvalCommandTest {
    private static final List<QualityTask> SCORE = List.of(QualityTask.SCORE);

    @TempDir
    Path dir;

    private List<DatasetSpec> datasets(String... args) throws UsageException {
        CommandLine line = new CommandParser(ConfigFactory.defaultReference()).parse(new EvalCommand().spec(),
                List.of(args));
        return EvalCommand.datasets(line, SCORE);
    }

    private String refusal(String... args) {
        return assertThrows(UsageException.class, () -> datasets(args)).getMessage();
    }

    @Test
    void eachDatasetTakesTheOptionsThatFollowIt() throws UsageException {
        List<DatasetSpec> specs = datasets("--dataset", "own=" + dir, "--labels", dir + "/mos.csv", "--mos-range",
                "0,100", "--max-images", "5", "--dataset", "vq=" + dir, "--labels", dir + "/train.jsonl",
                "--dataset", "qi=" + dir, "--format", "q-insight", "--labels", dir + "/meta.txt");
        assertEquals(List.of("own", "vq", "qi"), specs.stream().map(DatasetSpec::name).toList());
        assertEquals(List.of(DatasetFormat.CSV, DatasetFormat.VISUALQUALITY_R1, DatasetFormat.Q_INSIGHT),
                specs.stream().map(DatasetSpec::format).toList());
        assertEquals(Optional.of(new MosScale(0, 100)), specs.get(0).mosRange());
        assertEquals(Optional.empty(), specs.get(1).mosRange());
        assertEquals(Optional.of(dir.resolve("train.jsonl")), specs.get(1).labels());
        assertEquals(SplitMode.EVAL, specs.get(0).split());
        assertEquals(SCORE, specs.get(2).tasks());
    }

    @Test
    void refusesDatasetOptionsThatDoNotFitTogether() {
        assertEquals("option --labels must follow the --dataset it belongs to",
                refusal("--labels", "x.csv", "--dataset", "own=" + dir));
        assertEquals("--dataset own=" + dir + " needs --labels FILE", refusal("--dataset", "own=" + dir));
        assertEquals("--dataset expects NAME=DIR, got '" + dir + "'", refusal("--dataset", dir.toString(), "--labels",
                "x.csv"));
        assertEquals("option --labels is given twice for --dataset own=" + dir,
                refusal("--dataset", "own=" + dir, "--labels", "a.csv", "--labels", "b.csv"));
        assertEquals("--dataset own=" + dir + ": say how labels.txt is written with --format (csv, q-insight, "
                + "visualquality-r1, kadid, tid2013)", refusal("--dataset", "own=" + dir, "--labels", "labels.txt"));
        assertEquals("--mos-range expects MIN,MAX with MIN < MAX, got '100,0'",
                refusal("--dataset", "own=" + dir, "--labels", "a.csv", "--mos-range", "100,0"));
        assertEquals("--dataset own=" + dir.resolve("nope") + ": " + dir.resolve("nope") + " is not a folder",
                refusal("--dataset", "own=" + dir.resolve("nope"), "--labels", "a.csv"));
        assertEquals("--dataset o/wn=" + dir + ": dataset name 'o/wn' must be letters, digits, '.', '_' or '-' and "
                + "not start with '.'", refusal("--dataset", "o/wn=" + dir, "--labels", "a.csv"));
    }
}
