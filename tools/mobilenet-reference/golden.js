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
//   writes ../../gpu-workers/src/test/resources/mobilenet/{mobilenet-golden.json, synthetic-*.png}

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
    console.log(`${image.name}: ${layerSummaries.length} layers, prediction ${layerSummaries[layerSummaries.length - 1].full.map((v) => v.toFixed(5))}`);
  }

  const golden = {
    generator: 'tools/mobilenet-reference/golden.js',
    tfjs: { core: tf.version_core, layers: tfl.version_layers, backend: tf.getBackend() },
    model: 'shared/models/mobilenet_v2-nsfwjs/model.json',
    preprocessing: 'RGB / 255, resizeBilinear to 224x224 with alignCorners = true unless already 224x224 (nsfwjs 4.4.0)',
    input: inputLayer,
    layers: described,
    images: results,
  };
  const target = path.join(outDir, 'mobilenet-golden.json');
  fs.writeFileSync(target, JSON.stringify(golden) + '\n');
  console.log(`wrote ${target} (${fs.statSync(target).size} bytes)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
