package visq.actors.router;

import akka.grpc.javadsl.Metadata;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.AdminServicePowerApi;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/** The admin API with every request recorded in {@link ServingMetrics}, whatever answers it (token check included). */
public final class MeteredAdminService implements AdminServicePowerApi {
    private final AdminServicePowerApi inner;
    private final ServingMetrics metrics;

    public MeteredAdminService(AdminServicePowerApi inner, ServingMetrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<StatusReply> status(StatusRequest request, Metadata metadata) {
        return metrics.measure("Status", () -> inner.status(request, metadata));
    }
}
