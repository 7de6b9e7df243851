package visq.gpu.model;

/**
 * One prompt exactly as the compact model's forward pass reads it, for a program that recomputes the model
 * elsewhere (the bench's PyTorch peer): the task token's index, every image's patch rows (RGB scaled to [-1, 1], then
 * the detail and gradient magnitude maps, {@code [images × patchesPerImage, patchValues]} row-major) and, when the
 * model uses them, every image's statistics vector ({@code [images, imageStatistics]}; empty otherwise).
 *
 * @param task the task token's index ({@code QualityTask} ordinal)
 * @param images the prompt's image count
 * @param patches the patch rows
 * @param statistics the statistics vectors
 */
public record CompactPromptInputs(int task, int images, float[] patches, float[] statistics) {}
