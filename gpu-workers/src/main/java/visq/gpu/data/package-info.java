/** Image-quality datasets: MOS tables, generated degradations with exact labels, splits and the tensor cache. */
package visq.gpu.data;
