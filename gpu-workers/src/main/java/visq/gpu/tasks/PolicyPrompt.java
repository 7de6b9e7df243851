package visq.gpu.tasks;

import java.util.List;
import visq.gpu.image.ImageTensor;

/**
 * What a policy reads: images (in prompt order) plus system and user text. A chat-template model
 * (Qwen2-VL) renders these with its template; the compact model concatenates them.
 */
public record PolicyPrompt(QualityTask task, List<ImageTensor> images, String systemText, String userText) {

    public PolicyPrompt {
        images = List.copyOf(images);
        if (images.size() != task.imageCount()) {
            throw new IllegalArgumentException(
                    "task " + task.id() + " takes " + task.imageCount() + " image(s), got " + images.size());
        }
    }
}
