package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/** {@code visq score IMAGE...}: scores images with a running cluster over gRPC. */
public final class ScoreCommand implements CliCommand {
    private static final CommandSpec SPEC;

    static {
        List<OptionSpec> options = new ArrayList<>(GrpcClientOptions.OPTIONS);
        options.add(OptionSpec.choice("--task", "score", "score-number"));
        SPEC = CommandSpec.of("score", "score images over gRPC", false, options, GrpcClientOptions.TOKEN_NOTE)
                .withArguments("IMAGE...", 1, Integer.MAX_VALUE);
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        ActorSystem<Void> client = GrpcClientOptions.clientSystem();
        try {
            ScoringServiceClient scoring =
                    ScoringServiceClient.create(GrpcClientOptions.settings(line, client), client);
            int failures = 0;
            for (String image : line.arguments()) {
                try {
                    ScoreRequest request = ScoreRequest.newBuilder()
                            .setImage(ImageInput.newBuilder()
                                    .setEncoded(ByteString.copyFrom(Files.readAllBytes(Path.of(image)))))
                            .setTask(line.value("--task", "score"))
                            .build();
                    ScoreReply reply = GrpcClientOptions.withToken(scoring.score(), line, terminal).invoke(request)
                            .toCompletableFuture().get(60, TimeUnit.SECONDS);
                    terminal.out().printf(Locale.ROOT, "%s\tscore %s\tversion %d\t%.1f ms\t%s%n", image,
                            reply.getAnswerParsed() ? String.format(Locale.ROOT, "%.2f", reply.getScore())
                                    : "unparsable (" + reply.getParseProblem() + ")",
                            reply.getServedBy().getWeightVersion(), reply.getServedBy().getLatencyMs(),
                            reply.getRationale());
                } catch (IOException e) {
                    failures++;
                    terminal.out().println(image + "\terror: cannot read the file (" + e + ")");
                } catch (ExecutionException e) {
                    failures++;
                    terminal.out().println(image + "\terror: " + e.getCause().getMessage());
                }
            }
            scoring.close();
            return failures == 0 ? 0 : 1;
        } finally {
            client.terminate();
        }
    }
}
