package visq.actors.router;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import visq.actors.learner.StepStats;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.coordinator.TrainingProgress;
import visq.protocol.api.AdminService;
import visq.protocol.api.ClusterMember;
import visq.protocol.api.RewardMeans;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/**
 * The gRPC admin API: cluster members from the local cluster state, training progress from the
 * coordinator (found through the receptionist; absent when no learner node is up) and the newest
 * weight version the router can serve.
 */
public final class AdminServiceImpl implements AdminService {
    private final ActorSystem<?> system;
    private final ActorRef<InferenceRouter.Command> router;
    private final Duration timeout;

    public AdminServiceImpl(ActorSystem<?> system, ActorRef<InferenceRouter.Command> router, Duration timeout) {
        this.system = system;
        this.router = router;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<StatusReply> status(StatusRequest request) {
        StatusReply.Builder reply = StatusReply.newBuilder();
        for (Member member : Cluster.get(system).state().getMembers()) {
            ClusterMember.Builder m = ClusterMember.newBuilder()
                    .setAddress(member.address().toString())
                    .setStatus(member.status().toString());
            member.getRoles().stream().filter(role -> !role.startsWith("dc-")).sorted().forEach(m::addRoles);
            reply.addMembers(m);
        }
        CompletionStage<InferenceRouter.ServingState> serving =
                AskPattern.ask(router, InferenceRouter.GetServingState::new, timeout, system.scheduler());
        return serving.thenCompose(state -> {
            reply.setWeightVersion(Math.max(0, state.newestVersion())).setRolloutWorkers(state.workers());
            return progress().thenApply(found -> {
                found.ifPresent(progress -> fill(reply, progress));
                return reply.build();
            });
        });
    }

    private CompletionStage<Optional<TrainingProgress>> progress() {
        CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
                replyTo -> Receptionist.find(TrainingCoordinator.KEY, replyTo), timeout, system.scheduler());
        return listing.thenCompose(found -> {
            Optional<ActorRef<TrainingCoordinator.Command>> coordinator =
                    found.getServiceInstances(TrainingCoordinator.KEY).stream().findFirst();
            if (coordinator.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<TrainingProgress>empty());
            }
            CompletionStage<TrainingProgress> progress = AskPattern.ask(coordinator.get(),
                    TrainingCoordinator.GetProgress::new, timeout, system.scheduler());
            return progress.thenApply(Optional::of);
        });
    }

    private static void fill(StatusReply.Builder reply, TrainingProgress progress) {
        reply.setTrainingStep(progress.step())
                .setTotalSteps(progress.totalSteps())
                .setPhase(progress.phase().name());
        Optional<StepStats> latest = progress.latestGrpoStep();
        latest.ifPresent(stats -> reply
                .setRewardMeans(RewardMeans.newBuilder().setTotal(stats.rewardMean())
                        .setFormat(stats.formatRate()).setTask(stats.taskRewardMean()))
                .setFormatRate(stats.formatRate()));
    }
}
