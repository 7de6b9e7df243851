package visq.actors.reward;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import java.util.List;
import visq.actors.protocol.ClusterMessage;
import visq.actors.rollout.RolloutGroup;

/**
 * Scores rollout groups with the rewards of method.md §2 against the ground truth of each sample.
 * The arithmetic is pure ({@link GroupRewarding}); this actor only adds the messaging, and answers a
 * batch it cannot score (an unknown sample, a fidelity batch mixing datasets) with a failure that says why.
 */
public final class RewardScorer extends AbstractBehavior<RewardScorer.Command> {

    /** Messages the reward scorer handles. */
    public sealed interface Command extends ClusterMessage {}

    public record ScoreGroups(long batchId, List<RolloutGroup> groups, ActorRef<StatusReply<GroupsScored>> replyTo)
            implements Command {
        public ScoreGroups {
            groups = List.copyOf(groups);
        }
    }

    /**
     * Reply to {@link ScoreGroups}, as a {@link StatusReply#success}; a batch that cannot be scored is answered with a
     * {@link StatusReply#error} that says why.
     */
    public record GroupsScored(long batchId, List<ScoredGroup> groups) implements ClusterMessage {
        public GroupsScored {
            groups = List.copyOf(groups);
        }
    }

    private final GroupRewarding rewarding;

    public static Behavior<Command> create(GroupRewarding rewarding) {
        return Behaviors.setup(context -> new RewardScorer(context, rewarding));
    }

    private RewardScorer(ActorContext<Command> context, GroupRewarding rewarding) {
        super(context);
        this.rewarding = rewarding;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(ScoreGroups.class, this::onScoreGroups).build();
    }

    private Behavior<Command> onScoreGroups(ScoreGroups request) {
        try {
            request.replyTo().tell(StatusReply.success(new GroupsScored(request.batchId(),
                    rewarding.score(request.groups()))));
        } catch (IllegalArgumentException e) {
            getContext().getLog().warn("cannot score batch {}: {}", request.batchId(), e.getMessage());
            request.replyTo().tell(StatusReply.error(e.getMessage()));
        }
        return this;
    }
}
