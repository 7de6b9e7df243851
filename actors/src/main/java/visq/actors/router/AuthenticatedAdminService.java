package visq.actors.router;

import akka.grpc.javadsl.Metadata;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.AdminService;
import visq.protocol.api.AdminServicePowerApi;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/** The admin API behind the bearer-token check. */
public final class AuthenticatedAdminService implements AdminServicePowerApi {
    private final BearerTokenCheck check;
    private final AdminService admin;

    public AuthenticatedAdminService(BearerTokenCheck check, AdminService admin) {
        this.check = check;
        this.admin = admin;
    }

    @Override
    public CompletionStage<StatusReply> status(StatusRequest request, Metadata metadata) {
        return check.guard(metadata, () -> admin.status(request));
    }
}
