package visq.gpu.eval;

import java.util.Locale;

/** Renders an {@link EvaluationReport} as a JSON document (undefined numbers as {@code null}). */
final class JsonReport {

    private JsonReport() {}

    static String render(EvaluationReport report) {
        JsonText json = new JsonText().beginObject()
                .field("dataset", report.datasetName())
                .field("image_count", report.imageCount())
                .field("weight_version", report.weightVersion())
                .field("model_id", report.modelId())
                .beginObject("decoding")
                .field("description", report.decoding().describe())
                .field("samples", report.decoding().samples())
                .field("temperature", report.decoding().temperature())
                .endObject()
                .field("parse_failures", report.parseFailures());
        if (report.rationaleAgreement().isPresent()) {
            json.field("rationale_agreement", report.rationaleAgreement().getAsDouble());
        } else {
            json.nullField("rationale_agreement");
        }
        json.beginObject("model");
        agreement(json, report.model());
        json.endObject();
        json.beginArray("baselines");
        for (BaselineRow row : report.baselines()) {
            json.beginObject()
                    .field("name", row.name())
                    .field("lower_is_better", row.orientation() == ScoreOrientation.LOWER_IS_BETTER)
                    .field("negated_before_correlating", row.orientation() == ScoreOrientation.LOWER_IS_BETTER);
            agreement(json, row.agreement());
            json.endObject();
        }
        json.endArray();
        if (report.degradation().isPresent()) {
            degradation(json.beginObject("degradation"), report.degradation().get());
            json.endObject();
        } else {
            json.nullField("degradation");
        }
        return json.endObject().toString() + "\n";
    }

    private static void agreement(JsonText json, ScoreAgreement agreement) {
        LogisticFitResult fit = agreement.fit();
        json.field("srcc", agreement.srcc())
                .field("krcc", agreement.krcc())
                .field("plcc_raw", agreement.plccRaw())
                .field("plcc_fitted", agreement.plccFitted())
                .beginObject("logistic")
                .field("b1", fit.parameters().b1())
                .field("b2", fit.parameters().b2())
                .field("b3", fit.parameters().b3())
                .field("b4", fit.parameters().b4())
                .field("iterations", fit.iterations())
                .field("converged", fit.converged())
                .field("status", fit.status().name().toLowerCase(Locale.ROOT))
                .field("note", fit.status().description())
                .field("sum_of_squares", fit.sumOfSquares())
                .endObject();
    }

    private static void degradation(JsonText json, DegradationMetrics metrics) {
        json.field("images", metrics.images())
                .field("class_accuracy", metrics.classAccuracy())
                .field("unparsable", metrics.unparsable())
                .beginArray("per_class");
        for (ClassAccuracy a : metrics.perClass()) {
            json.beginObject()
                    .field("class", a.category().displayName())
                    .field("images", a.images())
                    .field("class_accuracy", a.classAccuracy())
                    .field("level_accuracy", a.levelAccuracy())
                    .field("level_accuracy_given_class", a.conditionalLevelAccuracy())
                    .endObject();
        }
        json.endArray();
        ConfusionMatrix confusion = metrics.confusion();
        json.beginObject("confusion").beginArray("columns");
        for (DegradationCategory predicted : confusion.columns()) {
            json.element(predicted.displayName());
        }
        json.endArray();
        json.beginArray("rows");
        for (DegradationCategory truth : confusion.rows()) {
            json.beginObject().field("truth", truth.displayName()).beginArray("counts");
            for (DegradationCategory predicted : confusion.columns()) {
                json.element(confusion.count(truth, predicted));
            }
            json.endArray().endObject();
        }
        json.endArray().endObject();
    }
}
