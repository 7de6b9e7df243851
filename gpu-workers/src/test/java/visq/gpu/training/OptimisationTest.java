package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

/** AdamW, the learning-rate schedule and gradient clipping against torch. */
class OptimisationTest {

    private static Shape shape(Object dims) {
        return new Shape(Golden.list(dims).stream().mapToLong(d -> (long) Golden.number(d)).toArray());
    }

    /** Sets each parameter's gradient to {@code grads} by back-propagating Σ p·g. */
    private static void setGradients(NDManager manager, List<NDArray> params, List<float[]> grads) {
        AdamW.zeroGradients(params);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (int i = 0; i < params.size(); i++) {
                NDArray term = params.get(i).mul(manager.create(grads.get(i), params.get(i).getShape())).sum();
                total = total == null ? term : total.add(term);
            }
            collector.backward(total);
        }
    }

    private static List<NDArray> parameters(NDManager manager, Map<String, Object> golden) {
        List<NDArray> params = new ArrayList<>();
        List<Object> shapes = Golden.list(golden.get("shapes"));
        List<Object> initial = Golden.list(golden.get("initial"));
        for (int i = 0; i < shapes.size(); i++) {
            NDArray p = manager.create(Golden.floats(initial.get(i)), shape(shapes.get(i)));
            p.setRequiresGradient(true);
            params.add(p);
        }
        return params;
    }

    private static List<float[]> gradsOfStep(Map<String, Object> golden, int step) {
        List<float[]> grads = new ArrayList<>();
        for (Object g : Golden.list(Golden.list(golden.get("grads")).get(step))) {
            grads.add(Golden.floats(g));
        }
        return grads;
    }

    @Test
    void adamWMatchesTorchOverSeveralStepsWithAndWithoutWeightDecay() {
        Map<String, Object> golden = Golden.load("adamw.json");
        double[] lrs = Golden.doubles(golden.get("learning_rates"));
        for (Map<String, Object> c : Golden.objects(golden.get("cases"))) {
            double weightDecay = Golden.number(c.get("weight_decay"));
            try (NDManager manager = NDManager.newBaseManager();
                    AdamW adamW = new AdamW(new AdamWSettings(0.9, 0.999, 1e-8, weightDecay))) {
                List<NDArray> params = parameters(manager, golden);
                List<Object> after = Golden.list(c.get("params_after_step"));
                for (int s = 0; s < lrs.length; s++) {
                    setGradients(manager, params, gradsOfStep(golden, s));
                    adamW.step(params, (float) lrs[s]);
                    List<Object> expected = Golden.list(after.get(s));
                    for (int p = 0; p < params.size(); p++) {
                        Golden.assertAllClose(Golden.floats(expected.get(p)), params.get(p).toFloatArray(), 1e-6,
                                "adamw.json (torch.optim.AdamW) wd " + weightDecay + " step " + s + " param " + p);
                    }
                }
                AdamWState state = adamW.exportState();
                for (int p = 0; p < params.size(); p++) {
                    Golden.assertAllClose(Golden.floats(Golden.list(c.get("exp_avg")).get(p)),
                            state.firstMoments().get(p), 1e-6, "adamw.json exp_avg " + p);
                    Golden.assertAllClose(Golden.floats(Golden.list(c.get("exp_avg_sq")).get(p)),
                            state.secondMoments().get(p), 1e-6, "adamw.json exp_avg_sq " + p);
                    assertEquals((long) lrs.length, state.steps().get(p), "adamw.json step");
                }
            }
        }
    }

    @Test
    void restoredStateContinuesExactlyAsTheOriginal() {
        Map<String, Object> golden = Golden.load("adamw.json");
        AdamWSettings settings = new AdamWSettings(0.9, 0.999, 1e-8, 0.01);
        try (NDManager manager = NDManager.newBaseManager();
                AdamW original = new AdamW(settings);
                AdamW restored = new AdamW(settings)) {
            List<NDArray> a = parameters(manager, golden);
            List<NDArray> b = parameters(manager, golden);
            for (int s = 0; s < 2; s++) {
                setGradients(manager, a, gradsOfStep(golden, s));
                original.step(a, 1e-2f);
                setGradients(manager, b, gradsOfStep(golden, s));
                restored.step(b, 1e-2f);
            }
            restored.restore(original.exportState(), b);
            for (int s = 2; s < 4; s++) {
                setGradients(manager, a, gradsOfStep(golden, s));
                original.step(a, 1e-2f);
                setGradients(manager, b, gradsOfStep(golden, s));
                restored.step(b, 1e-2f);
            }
            for (int p = 0; p < a.size(); p++) {
                assertTrue(java.util.Arrays.equals(a.get(p).toFloatArray(), b.get(p).toFloatArray()),
                        "identical after export/restore, param " + p);
            }
        }
    }

    @Test
    void linearScheduleMatchesTorchSchedulers() {
        for (Map<String, Object> c : Golden.objects(Golden.load("lr_schedule.json").get("cases"))) {
            LearningRateSchedule schedule = new LearningRateSchedule(Golden.number(c.get("base")),
                    (int) Golden.number(c.get("warmup")), (int) Golden.number(c.get("total")));
            double[] expected = Golden.doubles(c.get("learning_rates"));
            for (int s = 0; s < expected.length; s++) {
                Golden.assertClose(expected[s], schedule.at(s), 1e-6, 1e-12 * schedule.baseLearningRate(),
                        "lr_schedule.json " + schedule + " step " + s + " (torch LinearLR/LambdaLR)");
            }
        }
    }

    @Test
    void globalNormClippingMatchesTorch() {
        Map<String, Object> golden = Golden.load("grad_clipping.json");
        List<Object> grads = Golden.list(golden.get("grads"));
        List<Object> shapes = Golden.list(golden.get("shapes"));
        for (Map<String, Object> c : Golden.objects(golden.get("cases"))) {
            double maxNorm = Golden.number(c.get("max_norm"));
            try (NDManager manager = NDManager.newBaseManager()) {
                List<NDArray> arrays = new ArrayList<>();
                for (int i = 0; i < grads.size(); i++) {
                    arrays.add(manager.create(Golden.floats(grads.get(i)), shape(shapes.get(i))));
                }
                double norm = GradientClipping.clipGlobalNorm(arrays, maxNorm);
                Golden.assertRelative(Golden.number(c.get("norm")), norm, 1e-6,
                        "grad_clipping.json norm, max " + maxNorm + " (clip_grad_norm_)");
                for (int i = 0; i < arrays.size(); i++) {
                    Golden.assertAllClose(Golden.floats(Golden.list(c.get("clipped")).get(i)),
                            arrays.get(i).toFloatArray(), 1e-6, "grad_clipping.json clipped grad " + i);
                }
            }
        }
    }

    @Test
    void scheduleRejectsWarmupLongerThanTheRun() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 5, 4));
    }
}
