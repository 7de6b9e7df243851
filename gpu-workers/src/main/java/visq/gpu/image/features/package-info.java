/**
 * A pretrained image encoder for quality features: our reader of the TF.js layers format, the Keras graph it
 * describes run with DJL (the nsfwjs MobileNetV2), its input preparation, and features pooled from its layers.
 */
package visq.gpu.image.features;
