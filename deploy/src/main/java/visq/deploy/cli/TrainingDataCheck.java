package visq.deploy.cli;

import com.typesafe.config.Config;
import java.util.List;
import visq.actors.cluster.DataSettings;
import visq.actors.cluster.NodeGuardian;
import visq.actors.cluster.TrainingCorpus;
import visq.actors.coordinator.TrainingSettings;
import visq.gpu.tasks.QualityTask;

/**
 * Reads and checks the configured datasets on the command's own thread, before a node starts: a bad dataset is
 * refused with every problem listed and no cluster started, and the node's actors then find the corpus loaded
 * (so its file I/O never runs on an Akka dispatcher).
 */
final class TrainingDataCheck {
    private TrainingDataCheck() {}

    /**
     * Loads the corpus when the node's roles need it (learner or rollout) and, for a learner, checks that every
     * task of {@code visq.training.tasks} has training prompts.
     *
     * @throws visq.gpu.data.InvalidDatasetsException listing every dataset problem
     * @throws IllegalArgumentException when a training task has no dataset serving it
     */
    static void loadBeforeStart(Config config) {
        List<String> roles = config.getStringList("akka.cluster.roles");
        if (!roles.contains(NodeGuardian.LEARNER) && !roles.contains(NodeGuardian.ROLLOUT)) {
            return;
        }
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config));
        if (roles.contains(NodeGuardian.LEARNER)) {
            TrainingSettings training = TrainingSettings.fromConfig(config);
            for (QualityTask task : training.tasks()) {
                corpus.trainingData(training).datasets(task);
            }
        }
    }
}
