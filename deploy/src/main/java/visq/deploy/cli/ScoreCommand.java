package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import visq.deploy.eval.ProgressLine;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * {@code visq score IMAGE|DIR... [--out scores.csv]}: scores images with a running cluster over gRPC. A folder
 * stands for every image file under it (by extension, recursively, in path order). With {@code --out} each image
 * is asked its score and its degradation and becomes a CSV row (image, score, degradation, parsed, problem); an image
 * that is missing or unreadable, or that the service refuses, is a row with its problem, never a stop.
 */
public final class ScoreCommand implements CliCommand {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff");
    private static final CommandSpec SPEC;

    static {
        List<OptionSpec> options = new ArrayList<>(GrpcClientOptions.OPTIONS);
        options.add(OptionSpec.choice("--task", "score", "score-number"));
        options.add(OptionSpec.text("--out", "FILE"));
        SPEC = CommandSpec.of("score", "score images, or every image in a folder, over gRPC", false, options,
                "--out FILE  write image, score, degradation, parsed, problem as CSV (one row per image)",
                GrpcClientOptions.TOKEN_NOTE)
                .withArguments("IMAGE|DIR...", 1, Integer.MAX_VALUE);
    }

    /** One image's outcome; {@code detail} is what the text output adds (version, latency, rationale). */
    record Scored(String image, double score, String degradation, boolean parsed, String problem, String detail) {

        static Scored failed(Path image, String problem) {
            return new Scored(image.toString(), Double.NaN, "", false, problem, "");
        }
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        List<Path> images = images(line.arguments());
        String task = line.value("--task", "score");
        boolean toFile = line.has("--out");
        ActorSystem<Void> client = GrpcClientOptions.clientSystem();
        List<Scored> rows = new ArrayList<>();
        try {
            ScoringServiceClient scoring =
                    ScoringServiceClient.create(GrpcClientOptions.settings(line, client), client);
            ProgressLine progress = ProgressLine.on(terminal.err(), terminal.interactive());
            boolean showProgress = images.size() > 1;
            if (showProgress) {
                progress.start("images", images.size());
            }
            for (Path image : images) {
                Scored scored = score(scoring, image, task, toFile, line, terminal);
                rows.add(scored);
                if (!toFile) {
                    terminal.out().println(textLine(scored));
                }
                if (showProgress) {
                    progress.advance();
                }
            }
            scoring.close();
        } finally {
            client.terminate();
        }
        long problems = rows.stream().filter(r -> !r.problem().isEmpty()).count();
        if (toFile) {
            Path out = Path.of(line.value("--out", ""));
            write(out, rows);
            terminal.out().printf(Locale.ROOT, "%d images scored into %s (%d with a problem)%n", rows.size(),
                    out.toAbsolutePath(), problems);
            return 0;
        }
        return rows.stream().anyMatch(r -> r.detail().isEmpty()) ? 1 : 0;
    }

    private static Scored score(ScoringServiceClient scoring, Path image, String task, boolean withDegradation,
            CommandLine line, Terminal terminal) throws InterruptedException {
        ByteString encoded;
        try {
            encoded = ByteString.copyFrom(Files.readAllBytes(image));
        } catch (NoSuchFileException e) {
            return Scored.failed(image, "image not found");
        } catch (IOException e) {
            return Scored.failed(image, "image unreadable: " + e);
        }
        ImageInput input = ImageInput.newBuilder().setEncoded(encoded).build();
        try {
            ScoreReply reply = GrpcClientOptions.withToken(scoring.score(), line, terminal)
                    .invoke(ScoreRequest.newBuilder().setImage(input).setTask(task).build())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<String> problems = new ArrayList<>();
            if (!reply.getAnswerParsed()) {
                problems.add("score unparsable: " + reply.getParseProblem());
            }
            String degradation = "";
            boolean parsed = reply.getAnswerParsed();
            if (withDegradation) {
                DegradationReply degraded = GrpcClientOptions.withToken(scoring.degradation(), line, terminal)
                        .invoke(DegradationRequest.newBuilder().setImage(input).build())
                        .toCompletableFuture().get(60, TimeUnit.SECONDS);
                if (degraded.getAnswerParsed()) {
                    degradation = degraded.getDegradation().getDistortionClass().equals("none") ? "none"
                            : degraded.getDegradation().getDistortionClass() + "/"
                                    + degraded.getDegradation().getSeverity();
                } else {
                    parsed = false;
                    problems.add("degradation unparsable: " + degraded.getParseProblem());
                }
            }
            String detail = String.format(Locale.ROOT, "version %d\t%.1f ms\t%s",
                    reply.getServedBy().getWeightVersion(), reply.getServedBy().getLatencyMs(), reply.getRationale());
            return new Scored(image.toString(), reply.getScore(), degradation, parsed, String.join("; ", problems),
                    detail);
        } catch (ExecutionException e) {
            return Scored.failed(image, e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            return Scored.failed(image, "no answer within 60 s");
        }
    }

    /** Every image a list of paths stands for: a folder's image files in path order, a file as given. */
    static List<Path> images(List<String> arguments) throws IOException, UsageException {
        List<Path> images = new ArrayList<>();
        for (String argument : arguments) {
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    List<Path> found = files.filter(Files::isRegularFile).filter(ScoreCommand::isImage).sorted()
                            .toList();
                    if (found.isEmpty()) {
                        throw new UsageException("folder " + path + " holds no image files (" + String.join(", ",
                                new java.util.TreeSet<>(IMAGE_EXTENSIONS)) + ")");
                    }
                    images.addAll(found);
                }
            } else {
                images.add(path);
            }
        }
        return images;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String textLine(Scored scored) {
        if (scored.detail().isEmpty()) {
            return scored.image() + "\terror: " + scored.problem();
        }
        return scored.image() + "\tscore " + (scored.parsed() ? String.format(Locale.ROOT, "%.2f", scored.score())
                : "unparsable (" + scored.problem() + ")") + "\t" + scored.detail();
    }

    static void write(Path file, List<Scored> rows) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("image,score,degradation,parsed,problem\n");
            for (Scored row : rows) {
                out.write(visq.deploy.eval.CsvLine.of(List.of(row.image(), Double.isNaN(row.score()) ? ""
                        : String.format(Locale.ROOT, "%.4f", row.score()), row.degradation(),
                        Boolean.toString(row.parsed()), row.problem())));
            }
        }
    }
}
