package visq.actors.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one rollout worker records for its node's Prometheus endpoint, every series labelled {@code worker} with the
 * worker's id: rollouts (sampled responses) and tokens generated ({@code visq_rollout_responses_total},
 * {@code visq_rollout_tokens_total}: their rates are rollouts/s and tokens/s), seconds per generated part
 * ({@code visq_rollout_part_seconds}), the weight version it holds ({@code visq_rollout_weight_version}), weight bytes
 * received ({@code visq_weights_received_bytes_total}) and seconds from a version's first chunk to its import
 * ({@code visq_weights_push_seconds}), and the DJL arrays alive under its model's manager ({@code
 * visq_rollout_live_arrays}: a leak shows as growth), counted by the worker on its own thread at start, after each
 * part and after each weight import (the scrape thread never touches the model). Recording never blocks.
 */
public final class RolloutMetrics {
    private final AtomicLong version = new AtomicLong(-1);
    private final AtomicLong liveArrays = new AtomicLong(-1);
    private final Counter responses;
    private final Counter tokens;
    private final Counter weightBytes;
    private final Timer partSeconds;
    private final Timer pushSeconds;

    public RolloutMetrics(MeterRegistry registry, String workerId) {
        responses = Counter.builder("visq.rollout.responses").tag("worker", workerId)
                .description("rollouts (sampled responses) the worker generated").register(registry);
        tokens = Counter.builder("visq.rollout.tokens").tag("worker", workerId)
                .description("tokens the worker generated in rollouts").register(registry);
        partSeconds = Timer.builder("visq.rollout.part").tag("worker", workerId)
                .description("time the worker took per rollout part").register(registry);
        Gauge.builder("visq.rollout.weight.version", version, held -> held.get() < 0 ? Double.NaN : held.get())
                .tag("worker", workerId).description("weight version the worker holds").register(registry);
        weightBytes = Counter.builder("visq.weights.received.bytes").tag("worker", workerId)
                .description("weight bytes the worker received from the publisher").register(registry);
        pushSeconds = Timer.builder("visq.weights.push").tag("worker", workerId)
                .description("time from a weight version's first chunk to its import on the worker").register(registry);
        Gauge.builder("visq.rollout.live.arrays", liveArrays, count -> count.get() < 0 ? Double.NaN : count.get())
                .tag("worker", workerId).description("DJL arrays alive under the worker's model").register(registry);
    }

    /** Records a generated part: its groups and how long it took. */
    void generated(List<RolloutGroup> groups, double seconds) {
        for (RolloutGroup group : groups) {
            responses.increment(group.rollouts().size());
            tokens.increment(group.rollouts().stream().mapToInt(rollout -> rollout.tokenIds().size()).sum());
        }
        partSeconds.record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    void weightsHeld(long heldVersion) {
        version.set(heldVersion);
    }

    void liveArrays(int count) {
        liveArrays.set(count);
    }

    void chunkReceived(int bytes) {
        weightBytes.increment(bytes);
    }

    void weightsImported(long nanosSinceFirstChunk) {
        pushSeconds.record(Duration.ofNanos(nanosSinceFirstChunk));
    }
}
