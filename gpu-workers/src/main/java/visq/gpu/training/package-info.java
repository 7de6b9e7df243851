/** GRPO training: advantages, the clipped policy loss, AdamW, schedules, clipping and the method presets (method.md §3). */
package visq.gpu.training;
