/** A small reader of flat JSON objects, the one JSON grammar policy answers and model configurations use. */
package visq.gpu.json;
