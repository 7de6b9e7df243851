package visq.actors.router;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.InvalidImageException;
import visq.protocol.api.ImageInput;

/**
 * Turns an image from a request into the model's tensor: checks limits, decodes and preprocesses on
 * a blocking executor (never on Akka's default dispatcher). Bad images fail with INVALID_ARGUMENT
 * and a message that names the field and the problem.
 */
public final class ImageIntake {
    private final ImageLimits limits;
    private final ImagePreparation preprocessor;
    private final Executor blockingExecutor;

    public ImageIntake(ImageLimits limits, ImagePreparation preprocessor, Executor blockingExecutor) {
        this.limits = limits;
        this.preprocessor = preprocessor;
        this.blockingExecutor = blockingExecutor;
    }

    /** The tensor of {@code input}; {@code field} names the request field in error messages. */
    public CompletionStage<ImageTensor> prepare(ImageInput input, String field) {
        byte[] bytes = input.getEncoded().toByteArray();
        return CompletableFuture.supplyAsync(() -> decode(bytes, field), blockingExecutor);
    }

    private ImageTensor decode(byte[] bytes, String field) {
        try {
            return preprocessor.preprocess(ImageDecoder.decode(bytes, limits));
        } catch (InvalidImageException e) {
            throw new GrpcServiceException(
                    Status.INVALID_ARGUMENT.withDescription(field + ": " + e.getMessage()));
        }
    }
}
