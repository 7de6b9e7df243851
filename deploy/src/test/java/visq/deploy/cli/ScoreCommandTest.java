package visq.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.GrpcBindings;
import visq.deploy.node.NodeLauncher;
import visq.deploy.VisqCommand;

/**
 * {@code visq score DIR --out scores.csv} against a real serving node on 127.0.0.1 (untrained weights: answers are
 * mostly unparsable, which the rows say): every image of the folder is a row, and a file that is not an image, or
 * that is missing, is a row with its problem.
 */
class ScoreCommandTest {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
    private static Path temp;
    private static ActorSystem<Void> node;
    private static int port;

    @BeforeAll
    static void startServingNode() throws Exception {
        temp = Files.createTempDirectory("visq-score-test");
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.createSymbolicLink(data.resolve("100.png"), SHARED.resolve("data/clive/images/100.png"));
        Files.writeString(data.resolve("mos.csv"), "image,mos\n100.png,50\n");
        Config config = NodeLauncher.configure("local.conf", Map.of(
                "visq.data.datasets", "[{name = tiny, format = csv, images = \"" + data + "\", labels = \""
                        + data.resolve("mos.csv") + "\", split = train}]",
                "visq.training.tasks", "[score]",
                "visq.training.cold-start-steps", "0",
                "visq.training.grpo-steps", "0",
                "visq.grpc.port", "0",
                "visq.router.max-new-tokens", "24",
                "visq.learner.checkpoint-dir", "\"" + temp.resolve("checkpoints") + "\"",
                "akka.loglevel", "WARNING"), Map.of());
        TrainingDataCheck.loadBeforeStart(config);
        node = NodeLauncher.start(config);
        port = GrpcBindings.of(node).get(60, TimeUnit.SECONDS).localAddress().getPort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (run("score", "--port", Integer.toString(port), data.resolve("100.png").toString()).exit != 0) {
            assertTrue(System.nanoTime() < deadline, "the node did not serve within 90 s");
            Thread.sleep(300);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        node.terminate();
        node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = VisqCommand.run(List.of(args), new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scoresAFolderIntoACsvWithARowPerImage() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("photos/sub"));
        Files.createSymbolicLink(temp.resolve("photos/1001.JPG"), SHARED.resolve("data/clive/images/1001.JPG"));
        Files.createSymbolicLink(folder.resolve("1002.JPG"), SHARED.resolve("data/clive/images/1002.JPG"));
        Files.writeString(temp.resolve("photos/broken.png"), "not a PNG");
        Files.writeString(temp.resolve("photos/notes.txt"), "not an image file: skipped");
        Path csv = temp.resolve("out/scores.csv");
        Path missing = temp.resolve("missing.jpg");

        Result result = run("score", "--port", Integer.toString(port), temp.resolve("photos").toString(),
                missing.toString(), "--out", csv.toString());

        assertEquals(0, result.exit(), result.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("image,score,degradation,parsed,problem", rows.get(0));
        assertEquals(5, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith(temp.resolve("photos/1001.JPG") + ","), rows.get(1));
        assertTrue(rows.get(2).startsWith(temp.resolve("photos/broken.png") + ",,,false,"), rows.get(2));
        assertTrue(rows.get(2).contains("INVALID_ARGUMENT"), rows.get(2));
        assertTrue(rows.get(3).startsWith(temp.resolve("photos/sub/1002.JPG") + ","), rows.get(3));
        assertEquals(missing + ",,,false,image not found", rows.get(4));
        for (String row : List.of(rows.get(1), rows.get(3))) {
            String[] fields = row.split(",", 5);
            assertTrue(fields[3].equals("true") || !fields[4].isEmpty(), "unparsed rows say why: " + row);
        }
        assertTrue(result.out().contains("4 images scored into " + csv.toAbsolutePath()), result.out());
        assertTrue(result.err().contains("4/4 images"), result.err());
    }

    @Test
    void expandsFoldersToTheirImageFiles() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("expand/deeper"));
        Files.writeString(temp.resolve("expand/b.PNG"), "x");
        Files.writeString(folder.resolve("a.jpeg"), "x");
        Files.writeString(temp.resolve("expand/readme.md"), "x");
        assertEquals(List.of(temp.resolve("expand/b.PNG"), folder.resolve("a.jpeg"), Path.of("gone.png")),
                ScoreCommand.images(List.of(temp.resolve("expand").toString(), "gone.png")));
        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertEquals("folder " + empty + " holds no image files (bmp, gif, jpeg, jpg, png, tif, tiff, webp)",
                assertThrows(UsageException.class, () -> ScoreCommand.images(List.of(empty.toString())))
                        .getMessage());
    }
}
