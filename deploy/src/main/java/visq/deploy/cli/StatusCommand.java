package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import visq.protocol.api.AdminServiceClient;
import visq.protocol.api.ClusterMember;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/** {@code visq status}: cluster members and training progress, over gRPC. */
public final class StatusCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("status", "cluster members and training progress", false,
            GrpcClientOptions.OPTIONS, GrpcClientOptions.TOKEN_NOTE);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        ActorSystem<Void> client = GrpcClientOptions.clientSystem();
        try {
            AdminServiceClient admin = AdminServiceClient.create(GrpcClientOptions.settings(line, client), client);
            StatusReply reply = GrpcClientOptions.withToken(admin.status(), line, terminal)
                    .invoke(StatusRequest.getDefaultInstance()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (ClusterMember member : reply.getMembersList()) {
                terminal.out().println("member " + member.getAddress() + " " + member.getStatus() + " "
                        + member.getRolesList());
            }
            terminal.out().printf(Locale.ROOT,
                    "phase %s step %d/%d weight version %d workers %d reward %.3f format %.2f%n", reply.getPhase(),
                    reply.getTrainingStep(), reply.getTotalSteps(), reply.getWeightVersion(),
                    reply.getRolloutWorkers(), reply.getRewardMeans().getTotal(), reply.getFormatRate());
            admin.close();
            return 0;
        } finally {
            client.terminate();
        }
    }
}
