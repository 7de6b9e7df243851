package visq.deploy.cli;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import java.util.concurrent.CompletableFuture;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.learner.TrainingPhase;
import visq.actors.coordinator.TrainingProgress;

/**
 * Finds the training coordinator through the receptionist, subscribes to its progress, shows each
 * update and completes {@code finished} with the final progress once the run is done or failed.
 */
final class ProgressWatcher {
    private ProgressWatcher() {}

    static Behavior<Object> create(TrainingProgressBar bar, CompletableFuture<TrainingProgress> finished) {
        return Behaviors.setup(context -> {
            ActorRef<TrainingProgress> self = context.getSelf().narrow();
            ActorRef<Receptionist.Listing> listings = context.getSelf().narrow();
            context.getSystem().receptionist().tell(Receptionist.subscribe(TrainingCoordinator.KEY, listings));
            return Behaviors.receive(Object.class)
                    .onMessage(Receptionist.Listing.class, listing -> {
                        listing.getServiceInstances(TrainingCoordinator.KEY)
                                .forEach(coordinator -> coordinator.tell(new TrainingCoordinator.SubscribeProgress(self)));
                        return Behaviors.same();
                    })
                    .onMessage(TrainingProgress.class, progress -> {
                        bar.show(progress);
                        if (progress.phase() == TrainingPhase.FAILED
                                || (progress.phase() == TrainingPhase.DONE && progress.step() >= progress.totalSteps())) {
                            finished.complete(progress);
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
