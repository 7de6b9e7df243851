package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import visq.gpu.image.ImageTensor;

/** A preprocessed image as height, width, its CHW bytes and its statistics (count, then the floats). */
final class ImageTensorSerializer extends Serializer<ImageTensor> {

    ImageTensorSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, ImageTensor image) {
        output.writeVarInt(image.height(), true);
        output.writeVarInt(image.width(), true);
        output.writeBytes(image.pixels());
        output.writeVarInt(image.statisticsCount(), true);
        output.writeFloats(image.statistics(), 0, image.statisticsCount());
    }

    @Override
    public ImageTensor read(Kryo kryo, Input input, Class<? extends ImageTensor> type) {
        int height = input.readVarInt(true);
        int width = input.readVarInt(true);
        ImageTensor views = ImageTensor.of(height, width, input.readBytes(ImageTensor.CHANNELS * height * width));
        int statistics = input.readVarInt(true);
        return statistics == 0 ? views : views.withStatistics(input.readFloats(statistics));
    }
}
