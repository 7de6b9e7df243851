package visq.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.coordinator.TrainingProgress;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.learner.Learner;
import visq.actors.learner.LearnerSettings;
import visq.actors.learner.TrainingMetrics;
import visq.actors.reward.GroupRewarding;
import visq.actors.reward.RewardScorer;
import visq.actors.reward.RewardSettings;
import visq.actors.rollout.RolloutMetrics;
import visq.actors.rollout.RolloutWorker;
import visq.actors.router.AdminServiceImpl;
import visq.actors.router.AnswerReplies;
import visq.actors.router.GrpcEndpoint;
import visq.actors.router.ImageIntake;
import visq.actors.router.InferenceRouter;
import visq.actors.router.AdmittedScoringService;
import visq.actors.router.ScoringRequestSettings;
import visq.actors.router.ScoringServiceImpl;
import visq.actors.router.ServingHealth;
import visq.actors.router.ServingMetrics;
import visq.actors.weights.WeightPublisher;

import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModels;
import visq.gpu.training.LearningRateSchedule;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.PolicyTrainer;

/**
 * The root actor of a node: spawns what the node's cluster roles ask for. {@code learner}: weight
 * publisher, learner, reward scorer, training coordinator. {@code rollout}: one worker per configured
 * device, each on its own pinned dispatcher. {@code router}: the inference router and the gRPC endpoint. Every node
 * serves its metrics ({@link NodeMetrics}).
 */
public final class NodeGuardian {
    public static final String LEARNER = "learner";
    public static final String ROLLOUT = "rollout";
    public static final String ROUTER = "router";
    static final String DEVICE_DISPATCHER = "visq.dispatchers.device";
    static final String BLOCKING_IO_DISPATCHER = "visq.dispatchers.blocking-io";

    private NodeGuardian() {}

    public static Behavior<Void> create(Config config) {
        return create(config, (workerId, model) -> model);
    }

    /**
     * A node whose rollout workers' models pass through {@code rolloutModels} (worker id, model created) when each
     * worker creates its model: production uses them as they are; fault tests wrap them to inject device failures.
     */
    public static Behavior<Void> create(Config config, BiFunction<String, PolicyModel, PolicyModel> rolloutModels) {
        return Behaviors.setup(context -> {
            Set<String> roles = Cluster.get(context.getSystem()).selfMember().getRoles();
            NodeMetrics.get(context.getSystem()).serve(NodeMetrics.Settings.fromConfig(config));
            PolicyModelConfig model = ModelSettings.fromConfig(config);
            if (roles.contains(ROLLOUT) || roles.contains(LEARNER)) {
                DataSettings data = DataSettings.fromConfig(config);
                TrainingCorpus corpus = TrainingCorpus.load(data);
                corpus.prepareAhead(data.prepareAheadThreads());
                if (roles.contains(ROLLOUT)) {
                    startRolloutWorkers(context, config, model, corpus, rolloutModels);
                }
                if (roles.contains(LEARNER)) {
                    startTraining(context, config, model, corpus);
                }
            }
            if (roles.contains(ROUTER)) {
                startRouter(context, config, model);
            }
            return Behaviors.empty();
        });
    }

    private static void startRolloutWorkers(ActorContext<Void> context, Config config, PolicyModelConfig model,
            TrainingCorpus corpus, BiFunction<String, PolicyModel, PolicyModel> rolloutModels) {
        RolloutWorker.Settings settings = RolloutWorker.Settings.fromConfig(config);
        List<String> devices = settings.devices();
        String address = Cluster.get(context.getSystem()).selfMember().address().hostPort();
        for (int i = 0; i < devices.size(); i++) {
            String device = devices.get(i);
            String workerId = address + "/" + device + "#" + i;
            context.spawn(RolloutWorker.create(settings, workerId,
                    () -> rolloutModels.apply(workerId, PolicyModels.create(model, device)), corpus::image,
                    new RolloutMetrics(NodeMetrics.get(context.getSystem()).registry(), workerId),
                    InferenceRouter.versionListeners()),
                    "rollout-worker-" + i, DispatcherSelector.fromConfig(DEVICE_DISPATCHER));
        }
    }

    private static void startTraining(ActorContext<Void> context, Config config, PolicyModelConfig model,
            TrainingCorpus corpus) {
        LearnerSettings learnerSettings = LearnerSettings.fromConfig(config);
        learnerSettings.method().overrides().forEach(line -> context.getLog().info(line));
        // one resolved preset for the rollouts' sampling and the learner's log-probs: their temperatures agree
        MethodPreset preset = learnerSettings.methodPreset();
        TrainingSettings configured = TrainingSettings.fromConfig(config, preset);
        // a pretrained instruction model starts with GRPO, as both papers do
        TrainingSettings training = model.needsSupervisedColdStart() ? configured : configured.withoutColdStart();
        if (training.coldStartSteps() != configured.coldStartSteps()) {
            context.getLog().info("model {} is pretrained: no supervised cold start, GRPO from the first step",
                    model.modelId());
        }
        // a child of the learner: each incarnation of it publishes through a publisher (a weight lineage) of its own
        Behavior<WeightPublisher.Command> publisher = WeightPublisher.create(WeightPublisher.Settings.fromConfig(config));
        int grpoOptimizerSteps = (int) (training.grpoSteps() * Math.max(1, preset.grpo().policyUpdatesPerRollout()));
        TrainingMetrics trainingMetrics = new TrainingMetrics(NodeMetrics.get(context.getSystem()).registry());
        FrozenPriorFits priors = new FrozenPriorFits(corpus, training.recipe());
        ActorRef<Learner.Command> learner = context.spawn(Learner.create(learnerSettings, () -> {
            PolicyModel policy = PolicyModels.create(model, learnerSettings.device());
            boolean hasPriors = policy instanceof CompactVisionLanguagePolicy compact && priors.applyTo(compact);
            Optional<PolicyModel> reference = Optional.empty();
            if (preset.grpo().beta() > 0) {
                reference = Optional.of(PolicyModels.create(model, learnerSettings.device()));
                if (hasPriors) {
                    reference.get().importWeights(policy.exportWeights(policy.weightVersion()));
                }
            }
            int coldStartSteps = (int) Math.max(1, training.coldStartSteps());
            LearningRateSchedule coldStart = new LearningRateSchedule(learnerSettings.coldStartLearningRate(),
                    Math.min(learnerSettings.coldStartWarmupSteps(), coldStartSteps), coldStartSteps);
            return new PolicyTrainer(policy, reference, preset, coldStart, grpoOptimizerSteps);
        }, corpus::image, publisher, trainingMetrics), "learner",
                DispatcherSelector.fromConfig(DEVICE_DISPATCHER));
        ActorRef<RewardScorer.Command> rewards = context.spawn(RewardScorer.create(new GroupRewarding(
                RewardSettings.fromConfig(config).registry(), corpus::truth)), "reward-scorer");
        ActorRef<TrainingCoordinator.Command> coordinator = context.spawn(TrainingCoordinator.create(training,
                corpus.trainingData(training), rewards, learner), "training-coordinator");
        coordinator.tell(new TrainingCoordinator.SubscribeProgress(
                context.spawn(phaseFeed(trainingMetrics), "training-phase-metrics")));
    }

    /** Records each phase the coordinator publishes in the node's training metrics. */
    private static Behavior<TrainingProgress> phaseFeed(TrainingMetrics metrics) {
        return Behaviors.receiveMessage(progress -> {
            metrics.phaseEntered(progress.phase());
            return Behaviors.same();
        });
    }

    private static void startRouter(ActorContext<Void> context, Config config, PolicyModelConfig model) {
        InferenceRouter.Settings settings = InferenceRouter.Settings.fromConfig(config);
        ServingMetrics metrics = new ServingMetrics(NodeMetrics.get(context.getSystem()).registry());
        ActorRef<InferenceRouter.Command> router =
                context.spawn(InferenceRouter.create(settings, metrics), "inference-router");
        ScoringRequestSettings requests = ScoringRequestSettings.fromConfig(config);
        Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_IO_DISPATCHER));
        ImageIntake intake = new ImageIntake(requests.imageLimits(), model.imagePreparation(), blocking);
        Duration timeout = requests.requestTimeout();
        GrpcEndpoint.Settings endpoint = GrpcEndpoint.Settings.fromConfig(config);
        ServingHealth health = new ServingHealth(Materializer.matFromSystem(context.getSystem()));
        health.addToCoordinatedShutdown(context.getSystem(), endpoint.shutdownGrace());
        router.tell(new InferenceRouter.SubscribeServingState(
                context.spawn(ServingHealth.feed(health), "serving-health")));
        GrpcEndpoint.bind(context.getSystem(), endpoint,
                new AdmittedScoringService(
                        new ScoringServiceImpl(context.getSystem(), router, intake, new AnswerReplies(), timeout),
                        settings.maxInFlight(), metrics),
                new AdminServiceImpl(context.getSystem(), router, timeout), health, metrics)
                .whenComplete((binding, failure) -> {
                    if (failure != null) {
                        context.getSystem().log().error("gRPC endpoint could not bind {}:{}", endpoint.host(),
                                endpoint.port(), failure);
                    } else {
                        context.getSystem().log().info("gRPC endpoint listening on {}", binding.localAddress());
                        GrpcBindings.record(context.getSystem(), binding);
                    }
                });
    }
}
