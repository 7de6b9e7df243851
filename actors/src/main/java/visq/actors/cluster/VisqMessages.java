package visq.actors.cluster;

import java.util.List;
import visq.actors.learner.StepStats;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.learner.TrainingPhase;
import visq.actors.coordinator.TrainingProgress;
import visq.actors.learner.Learner;
import visq.actors.learner.SupervisedTarget;
import visq.actors.reward.RewardScorer;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.RolloutWorker;
import visq.actors.router.InferenceRouter;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightPublisher;
import visq.gpu.model.EncodedWeights;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.rewards.ParsedAnswer;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;

/** Every protocol and value type that crosses nodes, in one list: the input of the Kryo registry. */
public final class VisqMessages {
    private static final ClusterMessageRegistry REGISTRY = ClusterMessageRegistry.of(List.of(
            RolloutWorker.Command.class,
            RolloutWorker.GroupsGenerated.class,
            RolloutWorker.AnswerOutcome.class,
            RolloutWorker.BatchedPrompt.class,
            InferenceRouter.Command.class,
            InferenceRouter.ServingState.class,
            RewardScorer.Command.class,
            RewardScorer.GroupsScored.class,
            Learner.Command.class,
            Learner.StepOutcome.class,
            Learner.CheckpointSaved.class,
            TrainingCoordinator.Command.class,
            WeightPublisher.Command.class,
            WeightChunk.class,
            PromptRef.class,
            Rollout.class,
            RolloutGroup.class,
            ResponseReward.class,
            ParsedAnswer.class,
            ScoredGroup.class,
            SupervisedTarget.class,
            StepStats.class,
            visq.actors.learner.PlanCursor.class,
            TrainingPhase.class,
            TrainingProgress.class,
            QualityTask.class,
            SamplingSettings.class,
            EncodedWeights.class));

    private VisqMessages() {}

    public static ClusterMessageRegistry registry() {
        return REGISTRY;
    }
}
