package visq.deploy.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.DistributionSummary;
import visq.actors.cluster.GrpcBindings;
import visq.actors.cluster.NodeMetrics;
import visq.deploy.node.NodeLauncher;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * A one-node cluster that serves (without training unless the overrides set training steps), with a gRPC client
 * connected to it and a ready request for a CLIVE image; closed after a benchmark section.
 */
final class ServingNode implements AutoCloseable {
    private final ActorSystem<Void> cluster;
    private final ActorSystem<Void> client;
    private final ScoringServiceClient scoring;
    private final ScoreRequest request;

    private ServingNode(ActorSystem<Void> cluster, ActorSystem<Void> client, ScoringServiceClient scoring,
            ScoreRequest request) {
        this.cluster = cluster;
        this.client = client;
        this.scoring = scoring;
        this.request = request;
    }

    /** Starts the node with {@code overrides} on top of {@code config} and waits until it answers a score. */
    static ServingNode start(Config config, Map<String, Object> overrides, Path image) throws Exception {
        Config node = config
                .withValue("visq.training.cold-start-steps", ConfigValueFactory.fromAnyRef(0))
                .withValue("visq.training.grpo-steps", ConfigValueFactory.fromAnyRef(0))
                .withValue("visq.grpc.port", ConfigValueFactory.fromAnyRef(0))
                .withValue("visq.metrics.port", ConfigValueFactory.fromAnyRef(0))
                .withValue("visq.learner.checkpoint-dir", ConfigValueFactory.fromAnyRef(
                        Files.createTempDirectory("visq-bench-serving").toString()));
        for (Map.Entry<String, Object> override : overrides.entrySet()) {
            node = node.withValue(override.getKey(), ConfigValueFactory.fromAnyRef(override.getValue()));
        }
        ActorSystem<Void> cluster = NodeLauncher.start(node);
        ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "bench-client",
                ConfigFactory.parseString("akka.actor.provider = local\nakka.loglevel = WARNING"));
        int port = GrpcBindings.of(cluster).get(60, TimeUnit.SECONDS).localAddress().getPort();
        ScoringServiceClient scoring = ScoringServiceClient.create(
                GrpcClientSettings.connectToServiceAt("127.0.0.1", port, client).withTls(false), client);
        ScoreRequest request = ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()
                .setEncoded(ByteString.copyFrom(Files.readAllBytes(image)))).build();
        ServingNode serving = new ServingNode(cluster, client, scoring, request);
        serving.awaitServing();
        return serving;
    }

    ScoringServiceClient scoring() {
        return scoring;
    }

    ScoreRequest request() {
        return request;
    }

    /** Batches the node's router has sent so far and the requests in them (its {@code visq.router.batch.size}). */
    BatchesSent batchesSent() {
        DistributionSummary sizes = NodeMetrics.get(cluster).registry().find("visq.router.batch.size").summary();
        return sizes == null ? new BatchesSent(0, 0) : new BatchesSent(sizes.count(), (long) sizes.totalAmount());
    }

    /** A count of batches and of the requests in them. */
    record BatchesSent(long batches, long requests) {

        /** Mean requests per batch sent since {@code earlier}; 0 when none was sent. */
        double meanSince(BatchesSent earlier) {
            long sent = batches - earlier.batches;
            return sent == 0 ? 0 : (requests - earlier.requests) / (double) sent;
        }
    }

    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                scoring.score(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void close() throws Exception {
        scoring.close();
        client.terminate();
        cluster.terminate();
        // the node's learner (it trains no step here) stops only once it is set up, and its setup fits the frozen
        // priors over every training image's features: a minute on a loaded machine with a filled feature store
        cluster.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.MINUTES);
    }
}
