package visq.gpu.eval;

import java.util.List;
import java.util.Map;
import visq.gpu.golden.Golden;

/** The cases of {@code golden/eval/correlations.json}, written by {@code src/test/python/eval/generate_eval_goldens.py}. */
final class EvalGoldens {

    static final String CORRELATIONS = "eval/correlations.json";

    private EvalGoldens() {}

    static List<Map<String, Object>> correlationCases() {
        return Golden.objects(Golden.load(CORRELATIONS).get("cases"));
    }

    static List<Map<String, Object>> fitCases() {
        return correlationCases().stream().filter(c -> c.containsKey("fit")).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fit(Map<String, Object> goldenCase) {
        return (Map<String, Object>) goldenCase.get("fit");
    }
}
