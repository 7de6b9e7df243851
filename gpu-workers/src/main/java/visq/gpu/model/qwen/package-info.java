/** The pretrained Qwen2-VL and Qwen2.5-VL policies as Hugging Face transformers implements them: configuration, image processing, vision tower, decoder, LoRA. */
package visq.gpu.model.qwen;
