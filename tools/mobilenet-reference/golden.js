#!/usr/bin/env node
// Golden values for the Java port of the nsfwjs MobileNetV2 (visq.gpu.image.features).
//
// Loads shared/models/mobilenet_v2-nsfwjs (TF.js layers format) with @tensorflow/tfjs-layers on the pure CPU
// backend of @tensorflow/tfjs-core, prepares each image as nsfwjs 4.4.0 does (RGB / 255, then
// tf.image.resizeBilinear to 224x224 with alignCorners = true when the image is not already 224x224), runs it, and
// writes for every layer output: its shape, mean, mean of |x|, the values at 16 fixed positions and the spatial
// means of 4 channels; for the small layers (the pooled 1280 features and the dense head) the full output.
//
// The synthetic images are generated here from integer formulas and written as PNG next to the golden file, so
// Java reads exactly the same pixels; the photo is a losslessly stored CLIVE PNG from shared/data.
//
// Usage (from this folder): npm ci && node golden.js [--shared ../../../shared]
//   writes ../../gpu-workers/src/test/resources/mobilenet/{mobilenet-golden.json, synthetic-*.png} and the tiny
//   test model {tiny-model.json, tiny.bin} with its reference outputs tiny-golden.json

'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
const { PNG } = require('pngjs');

const SAMPLES_PER_LAYER = 16;
const CHANNELS_PER_LAYER = 4;
const FULL_OUTPUT_LIMIT = 1280;
const INPUT_SIZE = 224;

function argument(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const here = __dirname;
const shared = path.resolve(argument('--shared', path.join(here, '..', '..', '..', 'shared')));
const modelDir = path.join(shared, 'models', 'mobilenet_v2-nsfwjs');
const outDir = path.resolve(here, '..', '..', 'gpu-workers', 'src', 'test', 'resources', 'mobilenet');

/** Reads model.json and its shards into the artifacts tfjs-layers loads from memory. */
function loadArtifacts() {
  const modelJson = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weightSpecs = [];
  const buffers = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) {
      buffers.push(fs.readFileSync(path.join(modelDir, shard)));
    }
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return { modelTopology: modelJson.modelTopology, weightSpecs, weightData };
}

/** A synthetic RGB image, height x width, from an integer formula: a Uint8Array in HWC order. */
function synthetic(kind, height, width) {
  const rgb = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v;
        if (kind === 'ramps') {
          // smooth ramps in opposite directions per channel, with a checker of 16-pixel tiles on top
          const ramp = c === 0 ? x : c === 1 ? y : (width - 1 - x) + (height - 1 - y);
          const checker = ((x >> 4) + (y >> 4)) % 2 === 0 ? 40 : 0;
          v = Math.floor((ramp * 200) / (width + height)) + checker;
        } else {
          // a high-frequency pattern: xor texture plus stripes, so stride-2 sampling and padding matter
          v = ((x * (3 + c)) ^ (y * (5 + 2 * c))) & 0xff;
          if ((x + 2 * y) % 7 === 0) v = 255 - v;
        }
        rgb[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, v));
      }
    }
  }
  return rgb;
}

function writePng(file, rgb, height, width) {
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, bitDepth: 8 });
  png.data = Buffer.from(rgb);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 2, inputColorType: 2 }));
}

/** Decodes an 8-bit PNG to HWC RGB bytes (alpha dropped). */
function readPng(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = new Uint8Array(png.height * png.width * 3);
  for (let i = 0; i < png.height * png.width; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  return { rgb, height: png.height, width: png.width };
}

/** nsfwjs 4.4.0 NSFWJS.infer: toFloat, div 255, resizeBilinear(alignCorners = true) unless already the size. */
function prepare(rgb, height, width) {
  return tf.tidy(() => {
    const image = tf.tensor3d(rgb, [height, width, 3], 'int32');
    const normalized = tf.div(tf.cast(image, 'float32'), tf.scalar(255));
    const resized = height !== INPUT_SIZE || width !== INPUT_SIZE
      ? tf.image.resizeBilinear(normalized, [INPUT_SIZE, INPUT_SIZE], true)
      : normalized;
    return tf.reshape(resized, [1, INPUT_SIZE, INPUT_SIZE, 3]);
  });
}

function float(v) {
  return Number(Math.fround(v).toPrecision(8));
}

/** Fixed sample positions of a layer: spread over the flat (NHWC) output, the same for every image. */
function samplePositions(size, layerIndex) {
  const positions = [];
  let state = (layerIndex * 7919 + 17) >>> 0;
  for (let i = 0; i < SAMPLES_PER_LAYER; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    positions.push(state % size);
  }
  positions[0] = 0;
  positions[SAMPLES_PER_LAYER - 1] = size - 1;
  return positions;
}

function channelPicks(channels) {
  const picks = [0, Math.floor(channels / 3), Math.floor((2 * channels) / 3), channels - 1];
  return picks.slice(0, Math.min(CHANNELS_PER_LAYER, channels));
}

/** What is recorded of a layer whatever the image: its output shape, sample positions and channels. */
function describe(name, className, shape, layerIndex) {
  const size = shape.reduce((a, b) => a * b, 1);
  const channels = shape[shape.length - 1];
  return {
    name,
    className,
    shape,
    positions: samplePositions(size, layerIndex),
    channels: channelPicks(channels),
    full: size <= FULL_OUTPUT_LIMIT && !REPEATS_INPUT.has(className),
  };
}

/** Dropout (identity at inference) and Flatten (here 1x1 spatial) repeat their input's values. */
const REPEATS_INPUT = new Set(['Dropout', 'Flatten']);

function summarise(values, layer) {
  let sum = 0;
  let sumAbs = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sumAbs += Math.abs(values[i]);
  }
  const channels = layer.shape[layer.shape.length - 1];
  const spatial = values.length / channels;
  const channelMeans = layer.channels.map((c) => {
    let s = 0;
    for (let p = 0; p < spatial; p++) s += values[p * channels + c];
    return float(s / spatial);
  });
  const summary = {
    mean: float(sum / values.length),
    meanAbs: float(sumAbs / values.length),
    values: layer.positions.map((p) => float(values[p])),
    channelMeans,
  };
  if (layer.full) {
    summary.full = Array.from(values, float);
  }
  return summary;
}


// ---------------------------------------------------------------------------------------------------------------
// A tiny Keras model exercising what MobileNetV2 does not: 'same' padding with stride 2 on odd and even sizes (TF
// pads the extra pixel at the bottom/right), convolution biases and activations, depth multiplier 2, asymmetric
// ZeroPadding2D, AveragePooling2D, Dense with softmax. Its weights are stored with each storage the TF.js format
// has (float32, uint8, uint16, float16), and the reference outputs come from loading those bytes back in tfjs.

function buildTinyModel() {
  const input = tfl.input({ shape: [9, 10, 3], name: 'tiny_input' });
  const conv = tfl.layers.conv2d({ name: 'conv_same_s2', filters: 4, kernelSize: 3, strides: 2, padding: 'same',
    useBias: true, activation: 'relu' }).apply(input);
  const bn = tfl.layers.batchNormalization({ name: 'bn', epsilon: 0.001 }).apply(conv);
  const relu = tfl.layers.reLU({ name: 'relu_cap', maxValue: 1 }).apply(bn);
  const depthwise = tfl.layers.depthwiseConv2d({ name: 'depthwise_m2', kernelSize: 3, depthMultiplier: 2,
    padding: 'same', useBias: true }).apply(relu);
  const pointwise = tfl.layers.conv2d({ name: 'pointwise', filters: 8, kernelSize: 1, useBias: false })
    .apply(relu);
  const sum = tfl.layers.add({ name: 'add' }).apply([depthwise, pointwise]);
  const padded = tfl.layers.zeroPadding2d({ name: 'pad', padding: [[1, 0], [0, 2]] }).apply(sum);
  const pooled = tfl.layers.averagePooling2d({ name: 'pool', poolSize: 2, strides: 2, padding: 'valid' })
    .apply(padded);
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(pooled);
  const dense = tfl.layers.dense({ name: 'dense_relu', units: 6, activation: 'relu' }).apply(flat);
  const dropped = tfl.layers.dropout({ name: 'dropout', rate: 0.5 }).apply(dense);
  const out = tfl.layers.dense({ name: 'dense_softmax', units: 3, activation: 'softmax' }).apply(dropped);
  const model = tfl.model({ inputs: input, outputs: out, name: 'tiny' });
  // deterministic weights; variances positive
  model.weights.forEach((w, k) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const wave = Math.sin(0.7 * i + 1.3 * k) * 0.6 + Math.cos(0.23 * i * (k + 1)) * 0.25;
      values[i] = w.name.includes('moving_variance') ? 0.5 + Math.abs(wave) : wave;
    }
    w.write(tf.tensor(values, w.shape));
  });
  return model;
}

function halfBits(value) {
  // float32 -> IEEE binary16, round to nearest even (normal and subnormal range; these weights are small)
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) {
    const shift = 14 - exponent;
    mantissa |= 0x800000;
    let half = mantissa >>> (shift - 1 + 1);
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}

/** Re-encodes float32 weights with storage chosen by position: float32, uint8, uint16, float16, in turn. */
function encodeMixed(specs, weightData) {
  const floats = new Float32Array(weightData);
  const chunks = [];
  const manifest = [];
  let offset = 0;
  specs.forEach((spec, k) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    offset += size;
    const storage = ['float32', 'uint8', 'uint16', 'float16'][k % 4];
    const entry = { name: spec.name, shape: spec.shape, dtype: 'float32' };
    if (storage === 'float32') {
      chunks.push(Buffer.from(new Float32Array(values).buffer));
    } else if (storage === 'float16') {
      entry.quantization = { dtype: 'float16' };
      chunks.push(Buffer.from(new Uint16Array(Array.from(values, halfBits)).buffer));
    } else {
      const levels = storage === 'uint8' ? 255 : 65535;
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
      const scale = max > min ? (max - min) / levels : 1;
      const codes = Array.from(values, (v) => Math.round((v - min) / scale));
      entry.quantization = { dtype: storage, min, scale };
      chunks.push(Buffer.from((storage === 'uint8' ? new Uint8Array(codes) : new Uint16Array(codes)).buffer));
    }
    manifest.push(entry);
  });
  return { manifest, data: Buffer.concat(chunks) };
}

async function tinyGolden() {
  const built = buildTinyModel();
  let artifacts;
  await built.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: {} }; }));
  const { manifest, data } = encodeMixed(artifacts.weightSpecs, artifacts.weightData);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'tools/mobilenet-reference/golden.js',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['tiny.bin'], weights: manifest }],
  };
  fs.writeFileSync(path.join(outDir, 'tiny-model.json'), JSON.stringify(modelJson) + '\n');
  fs.writeFileSync(path.join(outDir, 'tiny.bin'), data);

  const reloaded = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: artifacts.modelTopology,
    weightSpecs: manifest,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  }));
  const layers = reloaded.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const probe = tfl.model({ inputs: reloaded.inputs, outputs: layers.map((l) => l.output) });
  const inputValues = new Float32Array(2 * 9 * 10 * 3);
  for (let i = 0; i < inputValues.length; i++) inputValues[i] = Math.fround(((i * 37) % 101) / 50 - 1);
  const outputs = probe.predict(tf.tensor4d(inputValues, [2, 9, 10, 3]));
  const weights = {};
  for (const w of reloaded.weights) {
    weights[w.originalName] = Array.from(w.read().dataSync(), float);
  }
  const result = {
    input: { shape: [2, 9, 10, 3], formula: 'value[i] = ((i * 37) % 101) / 50 - 1, flat NHWC index i' },
    weights,
    layers: layers.map((l, i) => ({
      name: l.name, className: l.getClassName(), shape: outputs[i].shape,
      full: Array.from(outputs[i].dataSync(), float),
    })),
  };
  tf.dispose(outputs);
  return result;
}

async function main() {
  await tf.setBackend('cpu');
  const model = await tfl.loadLayersModel(tf.io.fromMemory(loadArtifacts()));
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output) });

  fs.mkdirSync(outDir, { recursive: true });
  const images = [];
  const ramps = { name: 'ramps', height: 224, width: 224 };
  const pattern = { name: 'pattern', height: 64, width: 96 };
  for (const s of [ramps, pattern]) {
    const rgb = synthetic(s.name, s.height, s.width);
    const file = `synthetic-${s.name}.png`;
    writePng(path.join(outDir, file), rgb, s.height, s.width);
    images.push({ name: s.name, source: `test resource mobilenet/${file}`, rgb, height: s.height, width: s.width });
  }
  const photo = '100.png';
  const decoded = readPng(path.join(shared, 'data', 'clive', 'images', photo));
  images.push({ name: 'clive-100', source: `shared data/clive/images/${photo}`, ...decoded });

  const inputLayer = describe('input', 'Input', [1, INPUT_SIZE, INPUT_SIZE, 3], 0);
  const described = layers.map((l, i) => describe(l.name, l.getClassName(), [1, ...l.outputShape.slice(1)], i + 1));
  const results = [];
  for (const image of images) {
    const input = prepare(image.rgb, image.height, image.width);
    const inputValues = input.dataSync();
    const outputs = probe.predict(input);
    const layerSummaries = [];
    for (let i = 0; i < layers.length; i++) {
      const out = outputs[i];
      layerSummaries.push(summarise(out.dataSync(), described[i]));
    }
    tf.dispose(outputs);
    input.dispose();
    results.push({
      name: image.name,
      source: image.source,
      height: image.height,
      width: image.width,
      input: summarise(inputValues, inputLayer),
      outputs: layerSummaries,
    });
    const prediction = layerSummaries[layerSummaries.length - 1].full.map((v) => v.toFixed(5));
    console.log(`${image.name}: ${layerSummaries.length} layers, prediction ${prediction}`);
  }

  const golden = {
    generator: 'tools/mobilenet-reference/golden.js',
    tfjs: { core: tf.version_core, layers: tfl.version_layers, backend: tf.getBackend() },
    model: 'shared/models/mobilenet_v2-nsfwjs/model.json',
    preprocessing:
      'RGB / 255, resizeBilinear to 224x224 with alignCorners = true unless already 224x224 (nsfwjs 4.4.0)',
    input: inputLayer,
    layers: described,
    images: results,
  };
  const weightNames = ['Conv1/kernel', 'block_16_project_BN/moving_variance', 'dense_3/bias'];
  golden.weights = {};
  for (const w of model.weights) {
    if (weightNames.includes(w.originalName)) {
      golden.weights[w.originalName] = { shape: w.shape, first: Array.from(w.read().dataSync().slice(0, 8), float) };
    }
  }
  const target = path.join(outDir, 'mobilenet-golden.json');
  fs.writeFileSync(target, JSON.stringify(golden) + '\n');
  console.log(`wrote ${target} (${fs.statSync(target).size} bytes)`);

  const tiny = await tinyGolden();
  const tinyTarget = path.join(outDir, 'tiny-golden.json');
  fs.writeFileSync(tinyTarget, JSON.stringify({ generator: 'tools/mobilenet-reference/golden.js', ...tiny }) + '\n');
  console.log(`wrote ${tinyTarget} (${fs.statSync(tinyTarget).size} bytes)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
